/**
 * Embeddings: validation of caller vectors, their storage form (Float32
 * little-endian BLOBs) and cosine similarity.
 */
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { Bytes } from "../database/Columns.js"
import type { ValidationIssue } from "../Errors.js"

/** The most dimensions an embedding may have. */
export const MAX_EMBEDDING_DIMENSIONS = 65_536

/** An embedding as callers give it: a `Float32Array`, or an array of numbers (converted to Float32). */
export type EmbeddingInput = Float32Array | ReadonlyArray<number>

/** A `Float32Array`, checked by reference (no copy). */
export const Float32ArrayFromSelf = Schema.declare(
  (u: unknown): u is Float32Array => u instanceof Float32Array,
  { identifier: "Float32Array", description: "a Float32Array" }
)

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1

/**
 * Checks an embedding and returns it as a `Float32Array` (the caller's own
 * array when it is one): it must have 1 to {@link MAX_EMBEDDING_DIMENSIONS}
 * dimensions, every one finite after conversion to Float32.
 */
export const toEmbedding = (
  input: unknown,
  path: string
): Either.Either<Float32Array, ValidationIssue> => {
  let vector: Float32Array
  if (input instanceof Float32Array) {
    vector = input
  } else if (Array.isArray(input) && input.every((x): x is number => typeof x === "number")) {
    vector = Float32Array.from(input)
  } else {
    return Either.left({ path, message: "expected a Float32Array or an array of numbers" })
  }
  if (vector.length === 0) return Either.left({ path, message: "an embedding needs at least one dimension" })
  if (vector.length > MAX_EMBEDDING_DIMENSIONS) {
    return Either.left({ path, message: `an embedding has at most ${MAX_EMBEDDING_DIMENSIONS} dimensions, got ${vector.length}` })
  }
  for (let i = 0; i < vector.length; i++) {
    if (!Number.isFinite(vector[i]!)) {
      return Either.left({ path: `${path}[${i}]`, message: "every dimension must be a finite Float32 number" })
    }
  }
  return Either.right(vector)
}

/** The storage form of an embedding: its Float32 values, little-endian. */
export const encodeEmbedding = (vector: Float32Array): Buffer => {
  const bytes = Buffer.alloc(vector.length * 4)
  if (littleEndian) {
    bytes.set(new Uint8Array(vector.buffer, vector.byteOffset, vector.byteLength))
  } else {
    for (let i = 0; i < vector.length; i++) bytes.writeFloatLE(vector[i]!, i * 4)
  }
  return bytes
}

/**
 * Reads a stored embedding. The result is a view on `bytes` (no copy) when
 * the platform is little-endian and the bytes are 4-byte aligned; a copy
 * otherwise.
 */
export const decodeEmbedding = (bytes: Uint8Array): Float32Array => {
  const length = Math.floor(bytes.byteLength / 4)
  if (littleEndian && bytes.byteOffset % 4 === 0) return new Float32Array(bytes.buffer, bytes.byteOffset, length)
  if (littleEndian) return new Float32Array(bytes.slice(0, length * 4).buffer)
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const vector = new Float32Array(length)
  for (let i = 0; i < length; i++) vector[i] = view.getFloat32(i * 4, true)
  return vector
}

/** A stored embedding column (a BLOB) read as a `Float32Array`. */
export const EmbeddingFromBlob: Schema.Schema<Float32Array, Uint8Array> = Schema.transformOrFail(
  Bytes,
  Float32ArrayFromSelf,
  {
    strict: true,
    decode: (bytes, _, ast) =>
      bytes.byteLength % 4 === 0
        ? ParseResult.succeed(decodeEmbedding(bytes))
        : ParseResult.fail(new ParseResult.Type(ast, bytes, `an embedding BLOB of ${bytes.byteLength} bytes is not Float32`)),
    encode: (vector) => ParseResult.succeed(new Uint8Array(encodeEmbedding(vector)))
  }
)

/** The Euclidean norm of `vector`, accumulated in double precision. */
export const norm = (vector: Float32Array): number => {
  let sum = 0
  for (let i = 0; i < vector.length; i++) sum += vector[i]! * vector[i]!
  return Math.sqrt(sum)
}

/**
 * Cosine similarity of `query` (with its precomputed norm) and `vector` of
 * the same length; `undefined` when `vector` has zero norm.
 */
export const cosine = (query: Float32Array, queryNorm: number, vector: Float32Array): number | undefined => {
  let dot = 0
  let sum = 0
  for (let i = 0; i < vector.length; i++) {
    const v = vector[i]!
    dot += query[i]! * v
    sum += v * v
  }
  if (sum === 0) return undefined
  return dot / (queryNorm * Math.sqrt(sum))
}
