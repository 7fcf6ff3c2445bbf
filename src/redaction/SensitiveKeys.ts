/**
 * The key names whose values are secrets whatever they look like, matched as
 * words of snake, camel, kebab or constant case names.
 */

/** `word` in lower case, Capitalised and UPPER case (covers snake, camel, kebab and constant case). */
const cased = (word: string): string =>
  `(?:${word}|${word.charAt(0).toUpperCase()}${word.slice(1)}|${word.toUpperCase()})`

const SEP = "[-_. ]?"

const compound = (...parts: ReadonlyArray<string>): string => parts.map(cased).join(SEP)

/** `word` as a whole word of a name: not inside a longer word (`pass`, not `bypass` or `passport`). */
const wholeWord = (word: string): string => {
  const lower = word
  const capital = word.charAt(0).toUpperCase() + word.slice(1)
  const upper = word.toUpperCase()
  return `(?:(?<![A-Za-z])${lower}(?![a-z])|(?<![A-Z])${capital}(?![a-z])|(?<![A-Za-z])${upper}(?![A-Z]))`
}

/**
 * Words that, right after `token`, make it a usage count or a tokenizer
 * setting rather than a credential (`token_count`, `tokenUsage`, …).
 */
const tokenCountWords = [
  "count",
  "usage",
  "limit",
  "budget",
  "total",
  "estimate",
  "length",
  "cost",
  "price",
  "rate",
  "type",
  "index",
  "idx",
  "id",
  "window"
]

/**
 * Words that, right before `token`, name a tokenizer symbol, a pagination
 * cursor, a token meant to be public or a library (`eos_token`,
 * `nextPageToken`, `publicToken`, `jsonwebtoken`).
 */
const tokenNonSecretPrefixes = [
  "eos", "bos", "pad", "unk", "sep", "cls", "mask", "stop", "next", "page", "continuation", "public", "jsonweb",
  // anti-forgery tokens, written into every page a server sends (gitleaks' generic-api-key leaves `csrf_token` out;
  // Rails names it `authenticity_token`)
  "csrf", "xsrf", "authenticity"
]

// `token` as a word of the key: not `tokens` (counts), not `tokenizer`, not
// followed by a count word, not preceded by a tokenizer / paging word.
const TOKEN =
  `(?<!(?:${tokenNonSecretPrefixes.map(cased).join("|")})${SEP})` +
  `(?:(?:token|Token)(?![a-z])|TOKEN(?![A-Z]))` +
  `(?!${SEP}(?:${tokenCountWords.map(cased).join("|")})[sS]?(?![a-z]))`

/** Words that, right before a final `key`, name a key that is not a credential (`primaryKey`, `cache_key`). */
const keyNonSecretPrefixes = [
  "primary",
  "foreign",
  "sort",
  "partition",
  "cache",
  "idempotency",
  "public",
  "pub",
  "unique",
  "hash",
  "row",
  "lookup",
  "map",
  "object",
  "shortcut",
  "hot",
  "dedup",
  "dedupe",
  "group",
  "routing",
  "order",
  "index",
  "translation",
  "i18n",
  "storage",
  "bucket",
  "file",
  "item",
  "list",
  "react",
  "sharding",
  "shard",
  "composite",
  "natural",
  "surrogate",
  "local",
  "message",
  "record",
  "state",
  "query",
  "dict",
  "entry",
  "label",
  "type",
  "sub",
  "parent",
  "child",
  "event",
  "task",
  "config",
  "setting",
  "settings",
  "env",
  "field",
  "column",
  "property",
  "prop",
  "attr",
  "attribute",
  "name",
  "registry",
  "search",
  "match",
  "omit",
  "pick",
  "primary",
  "tab",
  "step",
  "node",
  "route",
  "path",
  "data",
  "value",
  "model",
  "agent",
  "tool",
  "session",
  "user",
  "project",
  "trace",
  "run",
  "schema",
  "sequence"
]

// `key` as the last word of a compound name (`OPENAI_KEY`, `hubspotKey`,
// `db.key`), not a bare `key`, not a key of a data structure.
const KEY =
  `(?<![A-Za-z0-9])(?!(?:${keyNonSecretPrefixes.map(cased).join("|")})${SEP}(?:key|Key|KEY)$)` +
  `[A-Za-z0-9_.-]*[A-Za-z0-9](?:[-_ ](?:key|Key|KEY)|Key|KEY)$`

// `auth` as a whole word of the key (`auth`, `x-auth`, `basicAuth`, `AUTH`), not `author`, `oauth`, `authenticated`.
const AUTH = String.raw`(?:(?<![A-Za-z])auth(?![a-z])|(?<![A-Z])Auth(?![a-z])|(?<![A-Za-z])AUTH(?![A-Z]))`

/**
 * Key names whose values are secrets: password / passwd / passphrase / pass
 * / pwd, secret (client_secret, secretKey…), token (githubToken,
 * GITHUB_TOKEN, x-auth-token…), api key (api_key, apiKey, X-Api-Key,
 * APIKEY…), access key, private key, signing / encryption key, any name
 * ending in a `key` word (`OPENAI_KEY`, `stripeKey`, not `primaryKey` or
 * `cache_key`), authorization, auth, credentials / creds, cookie /
 * set-cookie, session — matched as parts of snake, camel, kebab or constant
 * case names.
 *
 * Not matched: LLM usage counts and tokenizer settings such as `tokens`,
 * `max_tokens`, `inputTokens`, `outputTokens`, `totalTokens`, `tokenUsage`,
 * `token_count`, `tokenizer`, `eos_token`, nor `author`, `oauth`,
 * `session_id`, `bypass` or `passport`.
 *
 * Not global: it is meant for `test` against a whole key name.
 */
export const defaultSensitiveKeys: RegExp = new RegExp(
  [
    cased("password"),
    cased("passwd"),
    cased("passphrase"),
    wholeWord("pass"),
    wholeWord("pwd"),
    cased("secret"),
    cased("authorization"),
    cased("credential"),
    cased("creds"),
    cased("cookie"),
    compound("api", "key"),
    compound("access", "key"),
    compound("private", "key"),
    compound("signing", "key"),
    compound("encryption", "key"),
    compound("sonar", "login"),
    `(?:session|Session)(?![a-zA-Z])(?!${SEP}(?:id|Id|ID|name|Name|count|Count))|SESSION(?![A-Z])(?![-_. ]?(?:ID|NAME|COUNT))`,
    TOKEN,
    KEY,
    AUTH
  ].join("|")
)

/**
 * A cheap pre-check for `defaultSensitiveKeys`: a text that holds none of
 * these words holds no key name matched by `defaultSensitiveKeys` (every
 * name it matches holds one of them, in lower, Capitalised or UPPER case).
 */
export const defaultSensitiveKeyWords: ReadonlyArray<string> = [
  "pass",
  "pwd",
  "secret",
  "token",
  "auth",
  "cred",
  "cookie",
  "key",
  "session",
  "sonar"
].flatMap((w) => [w, w.charAt(0).toUpperCase() + w.slice(1), w.toUpperCase()])

/**
 * Words that, at the end of a key name, make it name something about a
 * secret rather than the secret: its id, name, length, file, URL, variable,
 * source… (`credentialsId`, `LLM_SECRET_NAME`, `secret_length`, `TokenFile`,
 * `passwordVariable`, `AuthSource`, as gitleaks' generic rule leaves them
 * out). `secret_id` itself stays a secret (a Vault AppRole credential).
 */
const nonSecretSuffixes = [
  "id", "ids", "name", "names", "length", "len", "file", "files", "path", "url", "uri", "variable", "var",
  "selector", "source", "type", "format", "version", "count"
]

/**
 * Key names `defaultSensitiveKeys` matches that name something about a
 * secret rather than the secret (see `nonSecretSuffixes`). Not global: it is
 * meant for `test` against a whole key name.
 */
export const defaultNonSecretKeys: RegExp = new RegExp(
  nonSecretSuffixes.map((w) => {
    const capital = w.charAt(0).toUpperCase() + w.slice(1)
    const word = `(?:(?<=[a-z0-9][-_. ]?)${w}|(?<=[a-z0-9])${capital}|(?<=[A-Z0-9][-_. ]?)${w.toUpperCase()})$`
    return w === "id" ? `(?<!^(?:secret|Secret|SECRET)${SEP})${word}` : word
  }).join("|")
)

/**
 * Key names gitleaks' generic-api-key rule leaves out, whatever their value
 * (config/gitleaks.toml, the rule's allowlist on the match): names of ids,
 * versions, endpoints, files and key-shaped things that are not
 * credentials (`api_version`, `token_url`, `schemaKey`, `keyPair`,
 * `secret_size`, `csrf-token`, `keyVaultToStoreSecrets`), at the end of a
 * key name (`flutterwavePubKeyToken` stays a secret). Case-insensitive.
 */
export const gitleaksNonSecretNames: RegExp = new RegExp(
  [
    String.raw`access(?:ibility|or)`,
    String.raw`access[_.-]?id`,
    String.raw`random[_.-]?access`,
    String.raw`api[_.-]?(?:id|name|version)`,
    String.raw`credentials?[_.-]?id`,
    String.raw`withCredentials`,
    String.raw`(?:bucket|foreign|hot|idx|natural|primary|pub(?:lic)?|schema|sequence)[_.-]?key`,
    String.raw`key[_.-]?(?:alias|board|code|frame|id|length|mesh|name|pair|press(?:ed)?|ring|selector|signature|size|stone|storetype|word|up|down|left|right)`,
    String.raw`key[_.-]?vault[_.-]?(?:id|name)`,
    String.raw`keyVaultToStoreSecrets`,
    String.raw`key(?:store|tab)[_.-]?(?:file|path)`,
    String.raw`issuerkeyhash`,
    String.raw`keying`,
    String.raw`secret[_.-]?(?:length|name|size)`,
    String.raw`UserSecretsId`,
    String.raw`csrf[_.-]?token`,
    String.raw`(?:api|credentials|token)[_.-]?(?:endpoint|ur[il])`,
    String.raw`public[_.-]?token`,
    String.raw`(?:key|token)[_.-]?file`
  ].map((name) => `(?:${name})$`).join("|"),
  "i"
)
