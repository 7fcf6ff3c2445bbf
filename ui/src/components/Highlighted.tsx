/**
 * A search snippet with its matched words highlighted. The markers are
 * split out of the text and each piece rendered as text: a snippet can
 * never inject markup.
 */
export const Highlighted = ({ text, open, close }: { readonly text: string; readonly open: string; readonly close: string }) => {
  const pieces: Array<{ readonly text: string; readonly marked: boolean }> = []
  let rest = text
  while (rest.length > 0) {
    const start = rest.indexOf(open)
    const end = start === -1 ? -1 : rest.indexOf(close, start + open.length)
    if (start === -1 || end === -1) {
      pieces.push({ text: rest, marked: false })
      break
    }
    if (start > 0) pieces.push({ text: rest.slice(0, start), marked: false })
    pieces.push({ text: rest.slice(start + open.length, end), marked: true })
    rest = rest.slice(end + close.length)
  }
  return <span class="snippet">{pieces.map((piece, i) => (piece.marked ? <mark key={i}>{piece.text}</mark> : piece.text))}</span>
}
