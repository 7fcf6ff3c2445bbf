/**
 * The default redaction rules, as data: one table of credential formats,
 * each with the published rule it follows (gitleaks' default configuration
 * or secretlint's recommended preset), and the key names whose values are
 * secrets whatever they look like (see `SensitiveKeys.ts`).
 *
 * Every pattern here runs in linear time: no nested unbounded quantifiers
 * over overlapping classes, every unbounded run is followed by something
 * its class cannot contain, and a pattern that starts with an unbounded run
 * starts only where that run starts (a start inside the run would read the
 * rest of the run again, for each of its characters). Each rule has literal
 * triggers: a text that holds none of them is known to hold no match, so
 * ordinary text costs one scan for all rules together; most rules' matches
 * start with their trigger, and they are tried only there.
 *
 * A rule leaves out what the rule sets it follows leave out (gitleaks'
 * entropy threshold and allowlists, the exact published form; see
 * `published` and `Placeholders.ts`), so their false samples stay as they are.
 */
import { gitleaksAllowed, isFiller, shannonEntropy } from "./Placeholders.js"

/**
 * One pattern-based redaction rule. Every match of `pattern` in any string is
 * replaced by `[REDACTED:<name>]` (only its `secret` group when the pattern
 * has a group named `secret`). The pattern is used as a global regex (the
 * redactor adds the `g` flag when it is missing).
 */
export interface RedactionRule {
  /** Shown in the placeholder; keep it to letters, digits, `-`, `_` and `.`. */
  readonly name: string
  /** What to remove; the whole match, or its `secret` group. */
  readonly pattern: RegExp
  /**
   * Optional cheap pre-check: a text in which `trigger` finds nothing is
   * known to hold no match of `pattern`, and the rule is skipped. Use a
   * plain literal or a small alternation of literals, without flags.
   */
  readonly trigger?: RegExp
  /**
   * Whether every match starts with a text `trigger` finds (a plain literal
   * or an alternation of literals). The rule is then tried only where its
   * trigger occurs rather than along the whole text.
   */
  readonly triggerStartsMatch?: boolean
  /** Where the format is published (a rule of a public rule set). */
  readonly source?: string
  /**
   * Optional: matches to leave as they are (placeholders and examples the
   * published rule leaves out). Called with the secret (the `secret` group,
   * or the whole match), the text and where the secret starts in it.
   */
  readonly keep?: (secret: string, text: string, at: number) => boolean
}

/** Every placeholder starts with this text. */
export const redactedPrefix = "[REDACTED:"

/** The placeholder written in place of a value removed by the rule `rule`. */
export const placeholder = (rule: string): string => `${redactedPrefix}${rule}]`

/** The rule name in placeholders for values under sensitive keys. */
export const sensitiveKeyRuleName = "sensitive-key"

// Left boundary of a token: start of text, a character that cannot be part of
// the token, or right after a JSON escape such as `\n` (so that a token at the
// start of a line inside JSON-escaped text is still found).
const L = String.raw`(?:(?<=\\[nrtbf])|(?<![A-Za-z0-9]))`
// Left boundary of a token made of a run of `[A-Za-z0-9_-]`: the start of
// the run (a match starting inside the run would read the same run again).
const LR = String.raw`(?:(?<=\\[nrtbf])|(?<![A-Za-z0-9_-]))`
// Right boundary for fixed-length alphanumeric tokens.
const R = String.raw`(?![A-Za-z0-9])`

const GITLEAKS = "gitleaks config/gitleaks.toml"
const SECRETLINT = "secretlint preset-recommend"

const escapeLiteral = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&")

/** A rule: `triggers` are literal texts, one of which every match starts with. */
const rule = (
  name: string,
  triggers: ReadonlyArray<string>,
  source: string,
  pattern: string,
  flags = ""
): RedactionRule => ({
  name,
  pattern: new RegExp(pattern, "g" + flags),
  trigger: new RegExp(triggers.map(escapeLiteral).join("|")),
  triggerStartsMatch: true,
  source
})

/** `texts`, each after each digit: the trigger of a token whose match has digits right before them. */
const digitsThen = (texts: ReadonlyArray<string>): ReadonlyArray<string> =>
  texts.flatMap((t) => Array.from({ length: 10 }, (_, d) => `${d}${t}`))

/** A rule whose trigger is inside its matches rather than at their start. */
const anywhere = (r: RedactionRule): RedactionRule => ({ ...r, triggerStartsMatch: false })

/** `word` in lower case, Capitalised and UPPER case: the triggers of a case-insensitive name. */
const casings = (word: string): ReadonlyArray<string> => [word, word.charAt(0).toUpperCase() + word.slice(1), word.toUpperCase()]

/**
 * A rule that finds a product's credential by the product's name before it,
 * as gitleaks' keyword rules do: the name (any case), up to 20 more name
 * characters, an assignment or a comma (`artifactory_key = …`,
 * `"sourcegraph": …`, `("artifactory", "…")`), quotes, then the value in the
 * product's own format. Every part is bounded, so a try costs the same at
 * any trigger.
 */
const nearName = (name: string, names: ReadonlyArray<string>, source: string, value: string): RedactionRule =>
  rule(
    name,
    names.flatMap(casings),
    source,
    String.raw`(?:${names.map(escapeLiteral).join("|")})[ \t\w.-]{0,20}[\s'"\\]{0,3}(?:=|>|:{1,3}=|\|\||:|=>|\?=|,)[\x60'"\s=\\]{0,5}(?<secret>${value})(?![A-Za-z0-9])`,
    "i"
  )

/**
 * What the published rules leave out of a rule's matches, as data:
 * gitleaks' entropy threshold and allowlist for the rule, its global
 * allowlist (see `Placeholders.ts`), and the exact form both rule sets
 * publish, when this rule casts a wider net (a match outside that form is
 * left only when it is a hand-typed filler).
 */
interface PublishedFilter {
  /** gitleaks' `entropy` of the rule (the lowest of its rules): a secret below it is not reported. */
  readonly entropy?: number
  /** gitleaks' `[[rules.allowlists]]` regexes of the rule. */
  readonly allow?: ReadonlyArray<RegExp>
  /** The exact form gitleaks and secretlint publish, anchored; matches outside it are ours. */
  readonly published?: RegExp
  /**
   * secretlint's exact form, for rules whose own test cases count a fake
   * key of repeated letters in that form as a finding (secretlint has no
   * entropy test): a match in it stays redacted.
   */
  readonly secretlint?: RegExp
  /**
   * Whether gitleaks' global allowlist and stopwords apply (default true).
   * Off for rules whose secretlint test cases count a stopword filler
   * (`glsa_abcdefghijklmnopqrstuvwxyz…`, `ntn_…AbCdEfGh…WxYz…`) as a finding:
   * secretlint has no stopwords.
   */
  readonly stopwords?: boolean
}

/** `r`, leaving out what the published rules leave out (see `PublishedFilter`). */
const published = (r: RedactionRule, f: PublishedFilter): RedactionRule => ({
  ...r,
  keep: (secret) => {
    if (f.secretlint !== undefined && f.secretlint.test(secret)) return false
    if ((f.stopwords !== false && gitleaksAllowed(secret)) || (f.allow !== undefined && f.allow.some((re) => re.test(secret)))) return true
    if (f.entropy !== undefined && shannonEntropy(secret) < f.entropy) return true
    return f.published !== undefined && !f.published.test(secret) && isFiller(secret)
  }
})

/** gitleaks' entropy threshold for a rule, and nothing else. */
const entropy = (r: RedactionRule, bits: number): RedactionRule => published(r, { entropy: bits })

/**
 * Public Google API keys gitleaks ships as known examples (config/gitleaks.toml,
 * gcp-api-key allowlist): Firebase web keys published in documentation and samples.
 */
const gcpPublicKeys = [
  "AIzaSyabcdefghijklmnopqrstuvwxyz1234567", "AIzaSyAnLA7NfeLquW1tJFpx_eQCxoX-oo6YyIs", "AIzaSyCkEhVjf3pduRDt6d1yKOMitrUEke8agEM",
  "AIzaSyDMAScliyLx7F0NPDEJi1QmyCgHIAODrlU", "AIzaSyD3asb-2pEZVqMkmL6M9N6nHZRR_znhrh0", "AIzayDNSXIbFmlXbIE6mCzDLQAqITYefhixbX4A",
  "AIzaSyAdOS2zB6NCsk1pCdZ4-P6GBdi_UUPwX7c", "AIzaSyASWm6HmTMdYWpgMnjRBjxcQ9CKctWmLd4", "AIzaSyANUvH9H9BsUccjsu2pCmEkOPjjaXeDQgY",
  "AIzaSyA5_iVawFQ8ABuTZNUdcwERLJv_a_p4wtM", "AIzaSyA4UrcGxgwQFTfaI3no3t7Lt1sjmdnP5sQ", "AIzaSyDSb51JiIcB6OJpwwMicseKRhhrOq1cS7g",
  "AIzaSyBF2RrAIm4a0mO64EShQfqfd2AFnzAvvuU", "AIzaSyBcE-OOIbhjyR83gm4r2MFCu4MJmprNXsw", "AIzaSyB8qGxt4ec15vitgn44duC5ucxaOi4FmqE",
  "AIzaSyA8vmApnrHNFE0bApF4hoZ11srVL_n0nvY"
]

/** The least body a private key has in gitleaks' private-key rule (`[\s\S-]{64,}` between its lines). */
const PRIVATE_KEY_BODY = 64

/**
 * A private key block that is a placeholder: fewer than 64 characters of key
 * material between its header and its end line (`...`, `xxx`, `***`, a short
 * word), as gitleaks' rule requires 64 and secretlint's test cases leave
 * these out.
 */
const placeholderKey = (block: string): boolean => {
  const header = block.indexOf("-----", 10)
  const end = block.indexOf("-----END", header + 5)
  const body = block.slice(header + 5, end === -1 ? block.length : end).replace(/\\[nrt]|[\s\\"',]/g, "")
  return body.length < PRIVATE_KEY_BODY
}

/** Passwords that are placeholders, as secretlint's database-connection-string rule lists them (the whole password). */
const placeholderPasswords = new Set([
  "password", "username", "secret", "mypassword", "myusername", "root", "admin", "user", "pass",
  "{password}", "${password}", "{{password}}", "{username}", "${username}", "{{username}}",
  "your_password", "your_username", "replace_with_password"
])
/** Parts that make a URL's user or password a placeholder, as secretlint's basicauth rule lists them (anywhere in it). */
const placeholderParts = [
  "localhost", "127.0.0.1", "password", "mypassword", "myusername", "{password}", "${password}", "{{password}}",
  "{username}", "${username}", "{{username}}", "your_password", "your_username", "replace_with_password",
  "replace_with_username"
]
/** Template variables (`${var}`, `{{var}}`, `{var}`, `%VAR%`, `$VAR`, `$(var)`), as secretlint's rules find them. */
const templateVariable = /\$\{[^}]{1,50}\}|\{\{[^}]{1,50}\}\}|\{[^}]{1,50}\}|%[A-Z_]{1,30}%|\$[A-Z_]{1,30}|\$\([^)]{1,50}\)/

/** The scheme of the URL whose user info ends right before `at` (its password's start), in lower case. */
const schemeBefore = (text: string, at: number): string => {
  let end = text.lastIndexOf("/", at - 1) + 1
  while (end > 0 && (text[end - 1] === "/" || text[end - 1] === "\\")) end--
  if (text[end - 1] !== ":") return ""
  let start = end - 1
  while (start > 0 && end - start < 32 && /[A-Za-z0-9+.-]/.test(text[start - 1]!)) start--
  return text.slice(start, end - 1).toLowerCase()
}

/** The schemes of secretlint's database-connection-string rule. */
const databaseSchemes = new Set(["mongodb", "mongodb+srv", "mysql", "postgres", "postgresql"])
/** The schemes of secretlint's basicauth rule. */
const webSchemes = new Set(["http", "https", "ftp", "ftps"])

/**
 * A URL password that is an example rather than a credential, as secretlint
 * tells them apart: for database URLs (its database-connection-string rule)
 * the user name repeated, fewer than 4 characters, a template variable, a
 * placeholder word or one character repeated; for web and FTP URLs (its
 * basicauth rule) fewer than 4 characters, a template variable, one
 * character repeated, or a placeholder part in the user or the password. Any
 * other scheme (Redis, AMQP, …) keeps every password.
 */
const examplePassword = (secret: string, text: string, at: number): boolean => {
  const scheme = schemeBefore(text, at)
  const database = databaseSchemes.has(scheme)
  if (!database && !webSchemes.has(scheme)) return false
  if (secret.length < 4 || templateVariable.test(secret) || /^(.)\1{3,}$/.test(secret)) return true
  const user = text.slice(text.lastIndexOf("/", at - 1) + 1, at - 1)
  if (database) return secret === user || placeholderPasswords.has(secret.toLowerCase())
  const lower = (secret + "\u0000" + user).toLowerCase()
  return templateVariable.test(user) || placeholderParts.some((p) => lower.includes(p))
}

/**
 * The default pattern rules, applied in this order (private keys first, so
 * that a key block is removed whole; URL credentials last).
 */
export const defaultRules: ReadonlyArray<RedactionRule> = [
  { ...rule(
    "private-key",
    ["-----BEGIN"],
    `${GITLEAKS} private-key; ${SECRETLINT} privatekey`,
    String
      .raw`-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----(?:[A-Za-z0-9+/=\s\\:,.()_"']|-(?!----))*(?:-----END[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----)?`
  ), keep: placeholderKey },
  published(rule("anthropic", ["sk-ant-"], `${GITLEAKS} anthropic-api-key, anthropic-admin-api-key; ${SECRETLINT} anthropic`, String.raw`${L}sk-ant-[A-Za-z0-9]{2,16}-[A-Za-z0-9_-]{20,}`), {
    published: /^sk-ant-(?:api03|admin01)-[\w-]{93}AA$|^sk-ant-api0\d-[\w-]{90,128}AA$/
  }),
  // Project, service account and admin keys carry `T3BlbkFJ` ("OpenAI" in base64) as both rule sets require;
  // the other forms (legacy keys, `sk-None-`, keys of OpenAI-compatible providers) are a wider net.
  published(rule(
    "openai",
    ["sk-"],
    `${GITLEAKS} openai-api-key; ${SECRETLINT} openai`,
    String.raw`${L}sk-(?:(?:proj|svcacct|admin)-(?=[A-Za-z0-9_-]{10,200}T3BlbkFJ)[A-Za-z0-9_-]{28,}|None-[A-Za-z0-9_-]{20,}|[A-Za-z0-9]{32,})`
  ), { entropy: 3, published: /T3BlbkFJ/ }),
  published(rule("aws-access-key", ["AKIA", "ASIA", "ABIA", "ACCA", "A3T"], `${GITLEAKS} aws-access-token; ${SECRETLINT} aws`, String.raw`${L}(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}${R}`), {
    entropy: 3,
    allow: [/.+EXAMPLE$/]
  }),
  // A short-lived key is `bedrock-api-key-` and a base64 text starting with "bedrock.amazonaws.com".
  published(rule("aws-bedrock", ["ABSK", "bedrock-api-key-"], `${GITLEAKS} aws-amazon-bedrock-api-key-long-lived, -short-lived`, String.raw`${L}(?:ABSK[A-Za-z0-9+/]{100,300}={0,2}|bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29t[A-Za-z0-9+/=]{0,2000})`), {
    entropy: 3,
    published: /^(?:ABSK[A-Za-z0-9+/]{109,269}={0,2}$|bedrock-api-key-)/
  }),
  entropy(rule("github", ["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"], `${GITLEAKS} github-*; ${SECRETLINT} github`, String.raw`${L}(?:gh[pousr]_[A-Za-z0-9_]{30,}|github_pat_[A-Za-z0-9_]{22,})`), 3),
  entropy(rule(
    "gitlab",
    ["glpat-", "glptt-", "gldt-", "glrt-", "glsoat-", "glffct-", "glft-", "glimt-", "glagent-", "gloas-", "glcbt-", "glcbt-", "GR1348941"],
    `${GITLEAKS} gitlab-*; ${SECRETLINT} gitlab`,
    String.raw`${L}(?:gl(?:pat|ptt|dt|rt|soat|ffct|ft|imt|agent|oas|cbt)-[0-9A-Za-z_.-]{20,}|GR1348941[0-9A-Za-z_-]{20})`
  ), 3),
  rule(
    "slack",
    ["xox", "xapp", "hooks.slack.com"],
    `${GITLEAKS} slack-*; ${SECRETLINT} slack`,
    // gitleaks' forms (bot, user, app, configuration and refresh tokens, legacy tokens), and secretlint's form
    // where it holds the numeric team and user ids every Slack token starts with
    String.raw`${L}(?:xox[abpors]-(?:\d-)?\d{8,20}-\d{8,20}(?:-[A-Za-z0-9]{1,64}){0,6}(?![A-Za-z0-9-])|xoxb-[0-9]{8,14}-[A-Za-z0-9]{18,26}|xox[pe](?:-[0-9]{10,13}){3}-[A-Za-z0-9-]{28,34}|xox[ar]-(?:\d-)?[0-9A-Za-z]{8,48}(?![.A-Za-z0-9-])|xox[os]-\d+-\d+-\d+-[A-Fa-f\d]+|xapp-\d-[A-Za-z0-9]+-\d+(?:-[A-Za-z0-9]+)?|xoxe\.xox[bp]-\d-[A-Za-z0-9]{163,166}|xoxe-\d-[A-Za-z0-9]{146})|hooks\.slack\.com\\?/(?:services|workflows|triggers)(?:\\?/[A-Za-z0-9_+-]+)+`
  ),
  published(rule("google-api-key", ["AIza"], `${GITLEAKS} gcp-api-key`, String.raw`${L}AIza[A-Za-z0-9_-]{35}(?![A-Za-z0-9_-])`), {
    entropy: 4,
    allow: [new RegExp(`^(?:${gcpPublicKeys.join("|")})$`)]
  }),
  entropy(anywhere(rule("jwt", [".ey"], `${GITLEAKS} jwt`, String.raw`${LR}ey[A-Za-z0-9_-]{10,}\.ey[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]*={0,2}`)), 3),
  entropy(rule("1password", ["ops_eyJ", "A3-"], `${GITLEAKS} 1password-*; ${SECRETLINT} 1password`, String.raw`${L}(?:ops_eyJ[A-Za-z0-9+/_-]{100,}={0,3}|A3-[A-Z0-9]{6}-(?:[A-Z0-9]{11}|[A-Z0-9]{6}-[A-Z0-9]{5})-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}${R})`), 3.8),
  entropy(rule("adobe", ["p8e-"], `${GITLEAKS} adobe-client-secret`, String.raw`${L}p8e-[A-Za-z0-9]{32}${R}`), 2),
  rule("age", ["AGE-SECRET-KEY-1"], `${GITLEAKS} age-secret-key`, String.raw`AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}`),
  rule("airtable", ["pat"], `${GITLEAKS} airtable-personnal-access-token`, String.raw`${L}pat[A-Za-z0-9]{14}\.[a-f0-9]{64}${R}`),
  entropy(rule("alibaba", ["LTAI"], `${GITLEAKS} alibaba-access-key-id`, String.raw`${L}LTAI[A-Za-z0-9]{20}${R}`), 2),
  entropy(rule("atlassian", ["ATATT3"], `${GITLEAKS} atlassian-api-token`, String.raw`${L}ATATT3[A-Za-z0-9_=-]{100,}`), 3.5),
  entropy(anywhere(rule("authress", [".acc_", ".acc-"], `${GITLEAKS} authress-service-client-access-key`, String.raw`${L}(?:sc|ext|scauth|authress)_[A-Za-z0-9]{5,30}\.[A-Za-z0-9]{4,6}\.acc[_-][A-Za-z0-9-]{10,32}\.[A-Za-z0-9+/_=-]{30,120}`)), 2),
  entropy(anywhere(rule("azure-ad", ["Q~"], `${GITLEAKS} azure-ad-client-secret`, String.raw`(?<![A-Za-z0-9_~.-])[A-Za-z0-9_~.]{3}\dQ~[A-Za-z0-9_~.-]{31,34}(?![A-Za-z0-9_~.-])`)), 3),
  entropy(rule("clickhouse", ["4b1d"], `${GITLEAKS} clickhouse-cloud-api-secret-key`, String.raw`${L}4b1d[A-Za-z0-9]{38}${R}`), 3),
  entropy(rule("clojars", ["CLOJARS_"], `${GITLEAKS} clojars-api-token`, String.raw`CLOJARS_[A-Za-z0-9]{60}`), 2),
  rule("cloudflare", ["v1.0-", "cfat_", "cfut_", "cfk_"], `${GITLEAKS} cloudflare-origin-ca-key; ${SECRETLINT} cloudflare`, String.raw`${L}(?:v1\.0-[a-f0-9]{24}-[a-f0-9]{146}|cf(?:at|ut|k)_[A-Za-z0-9]{40}[0-9a-f]{8}${R})`),
  entropy(rule("databricks", ["dapi"], `${GITLEAKS} databricks-api-token; ${SECRETLINT} databricks`, String.raw`${L}dapi[a-fA-F0-9]{32}(?:-\d)?${R}`), 3),
  entropy(rule("digitalocean", ["dop_v1_", "doo_v1_", "dor_v1_"], `${GITLEAKS} digitalocean-*`, String.raw`${L}do[opr]_v1_[a-f0-9]{64}`), 3),
  rule("docker", ["dckr_pat_"], `${SECRETLINT} docker`, String.raw`dckr_pat_[A-Za-z0-9_-]{20,}`),
  entropy(rule("doppler", ["dp."], `${GITLEAKS} doppler-api-token`, String.raw`${L}dp\.(?:pt|ct|st|sa|scim|audit)\.[A-Za-z0-9]{40,44}${R}`), 2),
  entropy(rule("duffel", ["duffel_test_", "duffel_live_"], `${GITLEAKS} duffel-api-token`, String.raw`duffel_(?:test|live)_[A-Za-z0-9_=-]{43}`), 2),
  entropy(rule("dynatrace", ["dt0c01."], `${GITLEAKS} dynatrace-api-token`, String.raw`dt0c01\.[A-Za-z0-9]{24}\.[A-Za-z0-9]{64}`), 4),
  entropy(rule("easypost", ["EZAK", "EZTK"], `${GITLEAKS} easypost-api-token, easypost-test-api-token`, String.raw`${L}EZ[AT]K[A-Za-z0-9]{54}${R}`), 2),
  entropy(rule("facebook", ["EAAM", "EAAC"], `${GITLEAKS} facebook-page-access-token`, String.raw`${L}EAA[MC][A-Za-z0-9]{100,}`), 4),
  rule("figma", ["figd_"], `${SECRETLINT} figma`, String.raw`${L}figd_[A-Za-z0-9_-]{40,}`),
  entropy(rule("flyio", ["fo1_", "fm1a_", "fm1r_", "fm2_"], `${GITLEAKS} flyio-access-token`, String.raw`${L}(?:fo1_[\w-]{43}|fm1[ar]_[A-Za-z0-9+/]{100,}={0,3}|fm2_[A-Za-z0-9+/]{100,}={0,3})`), 4),
  rule("frameio", ["fio-u-"], `${GITLEAKS} frameio-api-token`, String.raw`fio-u-[A-Za-z0-9_=-]{64}`),
  rule("flutterwave", ["FLWSECK", "FLWPUBK"], `${GITLEAKS} flutterwave-*`, String.raw`FLW(?:PUB|SEC)K_TEST-[a-h0-9]{32}-X`),
  published(rule("grafana", ["glc_", "glsa_", "eyJrIjoi"], `${GITLEAKS} grafana-*; ${SECRETLINT} grafana`, String.raw`${L}(?:glc_[A-Za-z0-9+/]{32,400}={0,3}|glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}|eyJrIjoi[A-Za-z0-9]{70,400}={0,3})`), {
    entropy: 3,
    stopwords: false
  }),
  rule("groq", ["gsk_"], `${SECRETLINT} groq`, String.raw`${L}gsk_[A-Za-z0-9]{52}${R}`),
  rule("harness", ["pat.", "sat."], `${GITLEAKS} harness-api-key`, String.raw`${L}(?:pat|sat)\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9]{24}\.[A-Za-z0-9]{20}${R}`),
  entropy(anywhere(rule("hashicorp", [".atlasv1.", "hvs.", "hvb.", "hvr."], `${GITLEAKS} hashicorp-tf-api-token, vault-*; ${SECRETLINT} hashicorp-vault`, String.raw`${L}(?:[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=-]{60,70}|hv[sbr]\.[A-Za-z0-9_-]{24,})`)), 3.5),
  entropy(rule("heroku", ["HRKU-"], `${GITLEAKS} heroku-api-key-v2`, String.raw`${L}HRKU-AA[0-9A-Za-z_-]{58}`), 4),
  published(rule("huggingface", ["hf_", "api_org_"], `${GITLEAKS} huggingface-*; ${SECRETLINT} huggingface`, String.raw`${L}(?:hf|api_org)_[A-Za-z]{34}(?![A-Za-z0-9_])`), {
    entropy: 2,
    secretlint: /^hf_[A-Za-z]{34}$/
  }),
  entropy(rule("intra42", ["s-s4t2"], `${GITLEAKS} intra42-client-secret`, String.raw`${L}s-s4t2(?:ud|af)-[a-f0-9]{64}`), 3),
  entropy(rule("linear", ["lin_api_"], `${GITLEAKS} linear-api-key; ${SECRETLINT} linear`, String.raw`lin_api_[A-Za-z0-9]{40}`), 2),
  anywhere(rule("mailchimp", Array.from({ length: 10 }, (_, d) => `-us${d}`), `${GITLEAKS} mailchimp-api-key`, String.raw`${L}[a-f0-9]{32}-us\d{1,2}${R}`)),
  published(rule("notion", ["ntn_"], `${GITLEAKS} notion-api-token; ${SECRETLINT} notion`, String.raw`${L}ntn_[0-9]{11}[A-Za-z0-9]{35}${R}`), {
    entropy: 4,
    stopwords: false
  }),
  entropy(rule("npm", ["npm_"], `${GITLEAKS} npm-access-token; ${SECRETLINT} npm`, String.raw`${L}npm_[A-Za-z0-9]{36}${R}`), 2),
  rule("newrelic", ["NRAK-", "NRJS-", "NRII-", "NRAA-"], `${GITLEAKS} new-relic-*`, String.raw`${L}NR(?:AK-[A-Za-z0-9]{27}|JS-[a-f0-9]{19}|II-[A-Za-z0-9-]{32}|AA-[a-f0-9]{27})`),
  entropy(rule("openshift", ["sha256~"], `${GITLEAKS} openshift-user-token`, String.raw`sha256~[\w-]{43}`), 3.5),
  entropy(rule("planetscale", ["pscale_"], `${GITLEAKS} planetscale-*`, String.raw`${L}pscale_(?:pw|tkn|oauth)_[\w=.-]{20,}`), 3),
  entropy(rule("postman", ["PMAK-"], `${GITLEAKS} postman-api-token`, String.raw`PMAK-[a-fA-F0-9]{24}-[a-fA-F0-9]{34}`), 3),
  entropy(rule("prefect", ["pnu_"], `${GITLEAKS} prefect-api-token`, String.raw`${L}pnu_[A-Za-z0-9]{36}`), 2),
  entropy(rule("pulumi", ["pul-"], `${GITLEAKS} pulumi-api-token`, String.raw`${L}pul-[a-f0-9]{40}`), 2),
  entropy(rule("pypi", ["pypi-AgEIcHlwaS5vcmc"], `${GITLEAKS} pypi-upload-token`, String.raw`pypi-AgEIcHlwaS5vcmc[\w-]{50,}`), 3),
  entropy(rule("readme", ["rdme_"], `${GITLEAKS} readme-api-token`, String.raw`rdme_[a-z0-9]{70}`), 2),
  entropy(rule("rubygems", ["rubygems_"], `${GITLEAKS} rubygems-api-token`, String.raw`rubygems_[a-f0-9]{48}`), 2),
  entropy(rule("scalingo", ["tk-us-"], `${GITLEAKS} scalingo-api-token`, String.raw`tk-us-[\w-]{48}`), 2),
  entropy(rule("sendgrid", ["SG."], `${GITLEAKS} sendgrid-api-token; ${SECRETLINT} sendgrid`, String.raw`SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}`), 2),
  entropy(rule("sendinblue", ["xkeysib-"], `${GITLEAKS} sendinblue-api-token`, String.raw`xkeysib-[a-f0-9]{64}-[A-Za-z0-9]{16}`), 2),
  entropy(rule("settlemint", ["sm_pat_", "sm_aat_", "sm_sat_"], `${GITLEAKS} settlemint-*`, String.raw`sm_(?:pat|aat|sat)_[A-Za-z0-9]{16}`), 3),
  entropy(rule("shippo", ["shippo_live_", "shippo_test_"], `${GITLEAKS} shippo-api-token`, String.raw`shippo_(?:live|test)_[a-fA-F0-9]{40}`), 2),
  entropy(rule("shopify", ["shpat_", "shpca_", "shppa_", "shpss_"], `${GITLEAKS} shopify-*; ${SECRETLINT} shopify`, String.raw`shp(?:at|ca|pa|ss)_[A-Za-z0-9]{32,}`), 2),
  rule("sonar", ["squ_", "sqp_", "sqa_"], `${GITLEAKS} sonar-api-token`, String.raw`${L}sq[upa]_[A-Za-z0-9]{40}${R}`),
  entropy(rule("sourcegraph", ["sgp_"], `${GITLEAKS} sourcegraph-access-token`, String.raw`${L}sgp_(?:(?:[a-fA-F0-9]{16}|local)_)?[a-fA-F0-9]{40}${R}`), 3),
  entropy(nearName("sourcegraph-hex", ["sourcegraph"], `${GITLEAKS} sourcegraph-access-token (a 40-hex token after the name)`, "[a-f0-9]{40}"), 3),
  entropy(nearName("sumologic", ["sumo"], `${GITLEAKS} sumologic-access-id, sumologic-access-token`, "su[a-z0-9]{12}|[a-z0-9]{64}"), 3),
  entropy(rule("sentry", ["sntrys_", "sntryu_"], `${GITLEAKS} sentry-org-token, sentry-user-token`, String.raw`${L}(?:sntrys_eyJ[A-Za-z0-9+/]{20,600}={0,2}_[A-Za-z0-9+/]{43}|sntryu_[a-f0-9]{64})(?![A-Za-z0-9+/])`), 3.5),
  entropy(nearName("jfrog", ["jfrog", "artifactory", "bintray", "xray"], `${GITLEAKS} jfrog-api-key, jfrog-identity-token`, "[a-z0-9]{73}|[a-z0-9]{64}"), 4.5),
  nearName("messagebird", ["messagebird", "message_bird", "message-bird", "MessageBird"], `${GITLEAKS} messagebird-api-token, messagebird-client-id`, "[a-z0-9]{25}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"),
  entropy(rule("square", ["EAAA", "sq0atp-", "sq0csp-"], `${GITLEAKS} square-access-token, square-secret`, String.raw`${L}(?:EAAA[\w-]{22,60}|sq0atp-[\w-]{22}|sq0csp-[\w-]{43})`), 2),
  published(rule("stripe", ["sk_test_", "sk_live_", "sk_prod_", "rk_test_", "rk_live_", "rk_prod_"], `${GITLEAKS} stripe-access-token; ${SECRETLINT} stripe`, String.raw`${L}[sr]k_(?:test|live|prod)_[A-Za-z0-9]{10,99}`), {
    entropy: 2,
    secretlint: /^[sr]k_(?:live|test)_[A-Za-z0-9]{24,99}$/
  }),
  rule("tailscale", ["tskey-"], `${SECRETLINT} tailscale`, String.raw`(?:(?<=\\[nrtbf])|(?<![A-Za-z]))tskey-[a-z]+-[A-Za-z0-9]{10,}-[A-Za-z0-9]{10,}`),
  anywhere(rule("telegram", digitsThen([":A"]), `${GITLEAKS} telegram-bot-api-token`, String.raw`${L}\d{5,16}:A[A-Za-z0-9_-]{34}(?![A-Za-z0-9_-])`)),
  entropy(rule("twilio", ["SK"], `${GITLEAKS} twilio-api-key`, String.raw`${L}SK[0-9a-fA-F]{32}${R}`), 3),
  rule("typeform", ["tfp_"], `${GITLEAKS} typeform-api-token`, String.raw`tfp_[A-Za-z0-9_.=-]{59}`),
  rule("vercel", ["vcp_", "vcc_", "vci_", "vck_", "vca_", "vcr_"], `${SECRETLINT} vercel`, String.raw`${L}vc[pcikar]_[A-Za-z0-9]{24,}`),
  rule("defined-networking", ["dnkey-"], `${GITLEAKS} defined-networking-api-token`, String.raw`dnkey-[A-Za-z0-9=_-]{26}-[A-Za-z0-9=_-]{52}`),
  rule("microsoft-teams", [".webhook.office.com"], `${GITLEAKS} microsoft-teams-webhook`, String.raw`\.webhook\.office\.com/webhookb2/[\w@/-]{20,}`),
  entropy(rule("infracost", ["ico-"], `${GITLEAKS} infracost-api-token`, String.raw`(?<![A-Za-z0-9.])ico-[A-Za-z0-9]{32}${R}`), 3),
  entropy(rule("perplexity", ["pplx-"], `${GITLEAKS} perplexity-api-key`, String.raw`${L}pplx-[A-Za-z0-9]{48}${R}`), 4),
  entropy(rule("octopus", ["API-"], `${GITLEAKS} octopus-deploy-api-key`, String.raw`${L}API-[A-Z0-9]{26}${R}`), 3),
  rule("mapbox", ["pk.", "sk."], `${GITLEAKS} mapbox-api-token`, String.raw`${L}[ps]k\.[A-Za-z0-9]{60}\.[A-Za-z0-9_-]{22}`),
  entropy(anywhere(rule("facebook-access-token", digitsThen(["|", "%7C"]), `${GITLEAKS} facebook-access-token`, String.raw`${L}\d{15,16}(?:\||%7C)[0-9A-Za-z_-]{27,40}(?![0-9A-Za-z_-])`)), 3),
  rule("sidekiq", ["CONTRIBSYS__COM"], `${GITLEAKS} sidekiq-secret`, String.raw`CONTRIBSYS__COM[ \t]*[=:][ \t]*\\?["']?(?<secret>[a-f0-9]{8}:[a-f0-9]{8})`),
  anywhere(rule("x-oauth-basic", [":x-oauth-basic@"], `${SECRETLINT} npm (package.json x-oauth-basic)`, String.raw`(?<![^\s/:@"'\\])(?<secret>[^\s/:@"'\\]{8,}):x-oauth-basic@`)),
  rule(
    "bearer",
    ["Bearer ", "bearer ", "Basic ", "basic ", "Token ", "token ", "BEARER "],
    `${GITLEAKS} curl-auth-header; RFC 6750 / RFC 7617 credentials`,
    String.raw`(?<![A-Za-z])(?:Bearer|bearer|BEARER|Basic|basic|Token|token)[ \t]+(?<secret>[A-Za-z0-9._~+/-]{16,}=*)`
  ),
  { ...anywhere(rule(
    "url-credentials",
    ["@"],
    `${SECRETLINT} basicauth, database-connection-string; ${GITLEAKS} generic url credentials`,
    String.raw`(?<=[A-Za-z][A-Za-z0-9+.-]{0,30}:\\?/\\?/[^\s/:@"'\\]{0,256}:)(?<secret>(?:[^\s/@"'\\]|@(?=[^\s/@"'\\]*@))+)(?=@)`
  )), keep: examplePassword }
]

export { defaultSensitiveKeys } from "./SensitiveKeys.js"
