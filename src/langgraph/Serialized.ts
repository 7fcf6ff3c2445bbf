/**
 * Values of a LangGraph checkpoint as they are stored: serialized by the
 * saver's serializer, JSON ones passed through the Redactor unless the
 * store is exempted.
 */
import type { SerializerProtocol } from "@langchain/langgraph-checkpoint"
import type { RedactorService } from "../redaction/Redactor.js"

/** A serialized value: the serializer's type tag and its bytes. */
export interface Serialized {
  readonly type: string
  readonly bytes: Uint8Array
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/**
 * Serializes `value`. A JSON value goes through `redactJson` when a
 * redactor is given; it is re-encoded only when something was redacted.
 */
export const serialize = async (
  serde: SerializerProtocol,
  redactor: RedactorService | undefined,
  value: unknown
): Promise<Serialized> => {
  const [type, bytes] = await serde.dumpsTyped(value)
  if (redactor === undefined || !redactor.enabled || type !== "json") return { type, bytes }
  const parsed: unknown = JSON.parse(decoder.decode(bytes))
  const redacted = redactor.redactJson(parsed)
  return redacted === parsed ? { type, bytes } : { type, bytes: encoder.encode(JSON.stringify(redacted)) }
}

/** The JSON text of a serialized JSON value. */
export const jsonText = (serialized: Serialized): string => decoder.decode(serialized.bytes)
