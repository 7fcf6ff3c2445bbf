/**
 * The shapes real agents write secrets in, as a probe of an earlier version
 * found them stored verbatim: name/value pairs and tuples, `toJSON`, bytes
 * under a sensitive key, long and percent-encoded URL passwords, YAML blocks,
 * command-line flags, `curl -u`, the common key spellings, connection
 * strings, `.env` lines and authorization headers; and what a later probe
 * found: private keys split over JSON strings, Kubernetes Secrets, password
 * options of mysql / sshpass / redis-cli / aws, `.netrc` lines, env dumps,
 * JWTs in cookies. Each secret is random,
 * drawn at run time, so the repository holds none of them.
 */
import { randomInt } from "node:crypto"

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

/** A random secret of `n` alphanumerics, with a prefix that makes it easy to spot in a dump. */
export const randomSecret = (n = 24): string =>
  "Zq" + Array.from({ length: n }, () => ALNUM[randomInt(ALNUM.length)]).join("")

/** One shape: a value to store (text or JSON-like) and the texts that must not be found afterwards. */
export interface Shape {
  readonly name: string
  /** A JSON-like value (for JSON fields); its `JSON.stringify` goes into text fields. */
  readonly value: unknown
  /** Text to store in text fields (defaults to the JSON text of `value`). */
  readonly text: string
  readonly needles: ReadonlyArray<string>
}

class Credentials {
  constructor(readonly user: string, private readonly secret: string) {}
  toJSON() {
    return { user: this.user, password: this.secret }
  }
}

const textShape = (name: string, make: (s: string) => string): Shape => {
  const s = randomSecret()
  const text = make(s)
  return { name, value: { output: text }, text, needles: [s] }
}

const valueShape = (name: string, make: (s: string) => unknown, extra: (s: string) => ReadonlyArray<string> = () => []): Shape => {
  const s = randomSecret()
  const value = make(s)
  return { name, value, text: JSON.stringify(value) ?? "", needles: [s, ...extra(s)] }
}

/** A fresh set of shapes, each with new random secrets. */
export const makeShapes = (): ReadonlyArray<Shape> => {
  const long = randomSecret(300)
  const bytes = randomSecret()
  return [
    valueShape("HAR header name/value", (s) => ({ headers: [{ name: "Authorization", value: `Bearer ${s}` }] })),
    valueShape("Kubernetes env name/value", (s) => ({ env: [{ name: "DB_PASSWORD", value: s }] })),
    valueShape("header tuple", (s) => ({ rawHeaders: [["authorization", `Bearer ${s}`], ["accept", "*/*"]] })),
    valueShape("toJSON", (s) => ({ connection: new Credentials("app", s) })),
    {
      name: "bytes under secret",
      value: { secret: Buffer.from(bytes), key: { private_key: new Uint8Array(Buffer.from(bytes)) } },
      text: `secret=${bytes}`,
      needles: [bytes, Buffer.from(bytes).toJSON().data.join(",")]
    },
    { name: "URL password over 256 characters", value: { url: `https://deploy:${long}@git.example.com/repo.git` }, text: `cloning https://deploy:${long}@git.example.com/repo.git`, needles: [long] },
    textShape("percent-encoded URL password", (s) => `postgres://app:${s}%40%2Fx%3A@db.internal:5432/app`),
    textShape("YAML block under password", (s) => `database:\n  user: app\n  password: |\n    ${s}\n  host: db\n`),
    textShape("YAML plain multi-line under password", (s) => `password:\n  ${s}\nport: 5432`),
    textShape("--password X", (s) => `mysql --user app --password ${s} --host db`),
    textShape("curl -u user:X", (s) => `curl -sS -u deploy:${s} https://ci.example.com/api/json`),
    textShape("curl --user", (s) => `curl --user 'deploy:${s}' https://ci.example.com`),
    textShape("DB_PASS=", (s) => `DB_PASS=${s}`),
    textShape("pwd:", (s) => `pwd: ${s}`),
    textShape("OPENAI_KEY=", (s) => `export OPENAI_KEY=${s}`),
    textShape("session=", (s) => `session=${s}`),
    textShape("Cookie header", (s) => `Cookie: session=${s}; theme=dark`),
    textShape("Set-Cookie header", (s) => `Set-Cookie: sid=${s}; HttpOnly; Secure`),
    textShape("private_key in JSON text", (s) => `{"type":"service_account","private_key":"${s}"}`),
    textShape("client_secret", (s) => `client_secret: "${s}"`),
    textShape("PostgreSQL connection string", (s) => `DATABASE_URL=postgresql://app:${s}@db.internal:5432/app?sslmode=require`),
    textShape("MySQL connection string", (s) => `jdbc:mysql://root:${s}@mysql.internal:3306/shop`),
    textShape("MongoDB connection string", (s) => `mongodb+srv://admin:${s}@cluster0.abcde.mongodb.net/?retryWrites=true`),
    textShape("Redis connection string", (s) => `REDIS_URL=redis://:${s}@cache.internal:6379/0`),
    textShape("AMQP connection string", (s) => `amqp://guest:${s}@rabbit.internal:5672/vhost`),
    textShape(".NET connection string", (s) => `Server=db;Database=app;User Id=sa;Password=${s};`),
    textShape(".env line", (s) => `# local settings\nSTRIPE_SECRET=${s}\nDEBUG=true`),
    textShape("KEY=value", (s) => `API_TOKEN=${s} npm run deploy`),
    textShape("Authorization: Bearer line", (s) => `GET /v1/me HTTP/1.1\nAuthorization: Bearer ${s}\nAccept: */*`),
    textShape("Authorization: Basic line", (s) => `Authorization: Basic ${Buffer.from(`user:${s}`).toString("base64")}`),
    textShape("Bearer in prose", (s) => `the request failed with Bearer ${s}${s} being rejected`),
    textShape("config value under OPENAI_KEY", (s) => `OPENAI_KEY: ${s}`),
    valueShape("private key split over JSON strings", (s) => ({
      key: ["-----BEGIN RSA PRIVATE KEY-----", `MIIEowIBAAKCAQEA${s}`, `${s}abcdefgh0123456789+/`, "-----END RSA PRIVATE KEY-----"]
    })),
    valueShape("Kubernetes Secret as JSON", (s) => ({
      apiVersion: "v1",
      kind: "Secret",
      data: { "tls.key": Buffer.from(s).toString("base64") },
      stringData: { token: s }
    }), (s) => [Buffer.from(s).toString("base64")]),
    textShape("Kubernetes Secret YAML", (s) => `apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\ndata:\n  tls.key: ${Buffer.from(s).toString("base64")}\nstringData:\n  config.json: ${s}\n`),
    textShape("name/value pair in text", (s) => `env:\n- name: GITHUB_TOKEN\n  value: ${s}`),
    textShape("mysql -pX", (s) => `mysql -uroot -p'${s}' shop < dump.sql`),
    textShape("sshpass -p", (s) => `sshpass -p ${s} ssh deploy@host`),
    textShape("redis-cli -a", (s) => `redis-cli -h cache -a ${s} ping`),
    textShape("curl --user=", (s) => `curl --user=deploy:${s} https://ci.example.com`),
    textShape(".netrc line", (s) => `machine api.example.com login deploy password ${s}`),
    textShape("aws configure set", (s) => `aws configure set aws_secret_access_key ${s}`),
    textShape("env dump", (s) => `HOME=/root\nPATH=/usr/bin\nPGPASSWORD=${s}\nMYSQL_PWD=${s}\nGH_TOKEN=${s}`),
    textShape("docker -e", (s) => `docker run -e POSTGRES_PASSWORD=${s} postgres:16`),
    textShape("JWT in a cookie", (s) => `Cookie: auth=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.${s}; theme=dark`),
    textShape("ODBC connection string", (s) => `Driver={ODBC Driver 18};Server=db;Uid=sa;Pwd=${s};`),
    textShape("PostgreSQL keyword connection string", (s) => `host=db port=5432 user=app password=${s} dbname=shop`),
    textShape("JDBC password parameter", (s) => `jdbc:postgresql://db:5432/shop?user=app&password=${s}`),
    textShape("rediss without user", (s) => `rediss://:${s}@cache.internal:6380`)
  ].map((shape) =>
    shape.name === "Authorization: Basic line"
      ? { ...shape, needles: [shape.text.slice("Authorization: Basic ".length)] }
      : shape
  )
}
