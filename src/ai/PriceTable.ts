/**
 * What LLM calls cost: prices per million tokens for each provider and
 * model, with cached input and reasoning tokens priced on their own.
 */

/** The price of one model, in USD per million tokens. */
export interface ModelPrice {
  /** Input tokens that were not read from the provider's cache. */
  readonly input: number
  /** Output tokens that were not reasoning. */
  readonly output: number
  /** Input tokens read from the cache; default `input`. */
  readonly cachedInput?: number | undefined
  /** Reasoning tokens; default `output`. */
  readonly reasoning?: number | undefined
}

/**
 * Prices by provider, then by model id. A model id is looked up exactly,
 * then by its longest priced prefix followed by `-` (so
 * `gpt-4o-2024-08-06` takes the price of `gpt-4o`).
 */
export interface PriceTable {
  /** The day the prices were taken (ISO date), for the reader of a cost. */
  readonly takenOn: string
  readonly prices: Readonly<Record<string, Readonly<Record<string, ModelPrice>>>>
}

/** The tokens of one call, as the recorder counts them. */
export interface CallTokens {
  readonly inputTokens: number
  readonly outputTokens: number
  /** Part of `inputTokens`. */
  readonly cachedInputTokens: number
  /** Part of `outputTokens`. */
  readonly reasoningTokens: number
}

/**
 * The list prices of the main hosted models, in USD per million tokens,
 * as published by each provider on the day in `takenOn`. Prices change:
 * pass your own table to the recorder for figures you bill on.
 */
export const defaultPriceTable: PriceTable = {
  takenOn: "2025-08-15",
  prices: {
    openai: {
      "gpt-5": { input: 1.25, cachedInput: 0.125, output: 10 },
      "gpt-5-mini": { input: 0.25, cachedInput: 0.025, output: 2 },
      "gpt-5-nano": { input: 0.05, cachedInput: 0.005, output: 0.4 },
      "gpt-4.1": { input: 2, cachedInput: 0.5, output: 8 },
      "gpt-4.1-mini": { input: 0.4, cachedInput: 0.1, output: 1.6 },
      "gpt-4.1-nano": { input: 0.1, cachedInput: 0.025, output: 0.4 },
      "gpt-4o": { input: 2.5, cachedInput: 1.25, output: 10 },
      "gpt-4o-mini": { input: 0.15, cachedInput: 0.075, output: 0.6 },
      "o3": { input: 2, cachedInput: 0.5, output: 8 },
      "o4-mini": { input: 1.1, cachedInput: 0.275, output: 4.4 }
    },
    anthropic: {
      "claude-opus-4-1": { input: 15, cachedInput: 1.5, output: 75 },
      "claude-opus-4": { input: 15, cachedInput: 1.5, output: 75 },
      "claude-sonnet-4": { input: 3, cachedInput: 0.3, output: 15 },
      "claude-3-7-sonnet": { input: 3, cachedInput: 0.3, output: 15 },
      "claude-3-5-haiku": { input: 0.8, cachedInput: 0.08, output: 4 }
    },
    google: {
      "gemini-2.5-pro": { input: 1.25, cachedInput: 0.31, output: 10 },
      "gemini-2.5-flash": { input: 0.3, cachedInput: 0.075, output: 2.5 },
      "gemini-2.5-flash-lite": { input: 0.1, cachedInput: 0.025, output: 0.4 }
    }
  }
}

/** The price of `model` of `provider` in `table`, if it has one. */
export const priceOf = (table: PriceTable, provider: string, model: string): ModelPrice | undefined => {
  const models = table.prices[provider]
  if (models === undefined) return undefined
  const exact = models[model]
  if (exact !== undefined) return exact
  let best: string | undefined
  for (const key of Object.keys(models)) {
    if (model.startsWith(`${key}-`) && (best === undefined || key.length > best.length)) best = key
  }
  return best === undefined ? undefined : models[best]
}

/**
 * The cost in USD of a call, or `null` when the table has no price for
 * the model: an unknown cost is never reported as $0.
 */
export const costOf = (table: PriceTable, provider: string, model: string, tokens: CallTokens): number | null => {
  const price = priceOf(table, provider, model)
  if (price === undefined) return null
  const cached = Math.min(tokens.cachedInputTokens, tokens.inputTokens)
  const reasoning = Math.min(tokens.reasoningTokens, tokens.outputTokens)
  const micro = (tokens.inputTokens - cached) * price.input +
    cached * (price.cachedInput ?? price.input) +
    (tokens.outputTokens - reasoning) * price.output +
    reasoning * (price.reasoning ?? price.output)
  return micro / 1_000_000
}
