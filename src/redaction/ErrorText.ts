/**
 * Redaction of what errors and log lines say: a validation message quotes
 * the offending input, which may hold a secret, and a log annotation may
 * carry an id given by the caller. Error texts always go through the default
 * rules (an error never needs a secret to be understood); log annotations go
 * through the configured redactor when there is one.
 */
import { makeRedactor, type RedactorService } from "./Redactor.js"

/** Built at the first error: importing logbook compiles no rule. */
let defaults: RedactorService | undefined

/** `text` with the secrets the default rules find replaced by placeholders. */
export const redactErrorText = (text: string): string => (defaults ??= makeRedactor()).redactText(text)
