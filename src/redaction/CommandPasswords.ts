/**
 * Passwords that command lines and credential files give without a name
 * that says so: `mysql -uroot -pX` (the password right after `-p`),
 * `sshpass -p X`, `redis-cli -a X`, `curl --user=u:X`, `aws configure set
 * aws_secret_access_key X`, and `.netrc` lines
 * (`machine h login u password X`). Each form is found from its command
 * word, at most a line ahead, so a try costs the same wherever it starts.
 */

/** A command and the option that gives its password; the value starts where a match ends. */
const commandPassword = new RegExp(
  [
    // mysql, mysqldump, mysqladmin, mariadb: `-pX` (a space after `-p` asks for the password instead)
    String.raw`(?:(?<=\\[nrt])|(?<![A-Za-z0-9_-]))(?:mysql|mysqldump|mysqladmin|mariadb)(?![A-Za-z0-9_-])[^\n|;&]{0,200}?[ \t]-p(?=[^\s-])`,
    // sshpass -p X, redis-cli -a X
    String.raw`(?:(?<=\\[nrt])|(?<![A-Za-z0-9_-]))sshpass(?![A-Za-z0-9_-])[^\n|;&]{0,200}?[ \t]-p[ \t]*(?=[^\s-])`,
    String.raw`(?:(?<=\\[nrt])|(?<![A-Za-z0-9_-]))redis-cli(?![A-Za-z0-9_-])[^\n|;&]{0,200}?[ \t](?:-a|--pass)[ \t]+(?=[^\s-])`,
    // .netrc: machine h login u password X
    String.raw`(?:(?<=\\[nrt])|(?<![A-Za-z0-9_-]))login[ \t]+[^\s]{1,200}[ \t]+password[ \t]+(?=[^\s])`,
    // aws configure set aws_secret_access_key X
    String.raw`(?:(?<=\\[nrt])|(?<![A-Za-z0-9_-]))configure[ \t]+set[ \t]+[A-Za-z0-9_.]{0,60}(?:secret|token|password)[A-Za-z0-9_.]{0,60}[ \t]+(?=[^\s])`,
    // curl --user=u:X, --proxy-user=u:X
    String.raw`(?:(?<=\\[nrt])|(?<![A-Za-z0-9_-]))--(?:proxy-)?user=[^\s:"']{0,200}:(?=[^\s])`
  ].join("|"),
  "g"
)

/** The words every form starts with: a text without them holds none. */
export const commandPasswordWords: ReadonlyArray<string> = ["mysql", "mariadb", "sshpass", "redis-cli", "login", "--user=", "--proxy-user=", "configure"]

/** Calls `edit(from, to)` for each password the forms above give; `valueAt` reads the value (quoted or not) starting at an index. */
export const commandPasswords = (
  s: string,
  valueAt: (s: string, start: number) => readonly [number, number] | undefined,
  edit: (from: number, to: number) => void
): void => {
  if (!commandPasswordWords.some((w) => s.includes(w))) return
  commandPassword.lastIndex = 0
  let m: RegExpExecArray | null
  while ((m = commandPassword.exec(s)) !== null) {
    const range = valueAt(s, commandPassword.lastIndex)
    if (range !== undefined) {
      edit(range[0], range[1])
      commandPassword.lastIndex = Math.max(range[1], commandPassword.lastIndex)
    } else if (m[0].length === 0) commandPassword.lastIndex++
  }
  commandPassword.lastIndex = 0
}
