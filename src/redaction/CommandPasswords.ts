/**
 * Passwords that command lines and credential files give without a name
 * that says so: `mysql -uroot -pX` (the password right after `-p`),
 * `sshpass -p X`, `redis-cli -a X`, `curl --user=u:X`, `aws configure set
 * aws_secret_access_key X`, and `.netrc` lines
 * (`machine h login u password X`). Each form is found from its command
 * word, at most a line ahead, so a try costs the same wherever it starts.
 */

/** Each form: the word it starts with, and a sticky pattern from that word to where the password starts. */
const forms: ReadonlyArray<{ readonly word: string; readonly pattern: RegExp }> = [
  // mysql, mysqldump, mysqladmin, mariadb: `-pX` (a space after `-p` asks for the password instead)
  { word: "mysql", pattern: /mysql(?:dump|admin)?(?![A-Za-z0-9_-])[^\n|;&]{0,200}?[ \t]-p(?=[^\s-])/y },
  { word: "mariadb", pattern: /mariadb(?![A-Za-z0-9_-])[^\n|;&]{0,200}?[ \t]-p(?=[^\s-])/y },
  // sshpass -p X, redis-cli -a X
  { word: "sshpass", pattern: /sshpass(?![A-Za-z0-9_-])[^\n|;&]{0,200}?[ \t]-p[ \t]*(?=[^\s-])/y },
  { word: "redis-cli", pattern: /redis-cli(?![A-Za-z0-9_-])[^\n|;&]{0,200}?[ \t](?:-a|--pass)[ \t]+(?=[^\s-])/y },
  // .netrc: machine h login u password X
  { word: "login", pattern: /login[ \t]+[^\s]{1,200}[ \t]+password[ \t]+(?=[^\s])/y },
  // aws configure set aws_secret_access_key X
  {
    word: "configure",
    pattern: /configure[ \t]+set[ \t]+[A-Za-z0-9_.]{0,60}(?:secret|token|password)[A-Za-z0-9_.]{0,60}[ \t]+(?=[^\s])/y
  },
  // curl --user=u:X, --proxy-user=u:X
  { word: "--user=", pattern: /--user=[^\s:"']{0,200}:(?=[^\s])/y },
  { word: "--proxy-user=", pattern: /--proxy-user=[^\s:"']{0,200}:(?=[^\s])/y }
]

/** The words every form starts with: a text without them holds none. */
export const commandPasswordWords: ReadonlyArray<string> = forms.map((f) => f.word)

/** Whether a word starting at `i` starts there (not inside a longer word), or right after a JSON escape such as `\n`. */
const startsWord = (s: string, i: number): boolean => {
  if (i === 0) return true
  const c = s.charCodeAt(i - 1)
  const inWord = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 45
  if (!inWord) return true
  return i >= 2 && s.charCodeAt(i - 2) === 92 && (c === 110 || c === 114 || c === 116)
}

/**
 * Calls `edit(from, to)` for each password the forms above give; `valueAt`
 * reads the value (quoted or not) starting at an index. Each form is tried
 * only where its word occurs.
 */
export const commandPasswords = (
  s: string,
  valueAt: (s: string, start: number) => readonly [number, number] | undefined,
  edit: (from: number, to: number) => void
): void => {
  for (const { pattern, word } of forms) {
    let after = 0
    for (let i = s.indexOf(word); i !== -1; i = s.indexOf(word, Math.max(i + 1, after))) {
      if (!startsWord(s, i)) continue
      pattern.lastIndex = i
      if (!pattern.test(s)) continue
      const range = valueAt(s, pattern.lastIndex)
      if (range === undefined) continue
      edit(range[0], range[1])
      after = range[1]
    }
  }
}
