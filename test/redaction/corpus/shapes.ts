/**
 * The shapes real agents write secrets in, as a probe of an earlier version
 * found them stored verbatim: name/value pairs and tuples, `toJSON`, bytes
 * under a sensitive key, long and percent-encoded URL passwords, YAML blocks,
 * command-line flags, `curl -u`, the common key spellings, connection
 * strings, `.env` lines and authorization headers. Each secret is random,
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
    textShape("config value under OPENAI_KEY", (s) => `OPENAI_KEY: ${s}`)
  ].map((shape) =>
    shape.name === "Authorization: Basic line"
      ? { ...shape, needles: [shape.text.slice("Authorization: Basic ".length)] }
      : shape
  )
}
