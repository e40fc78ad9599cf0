/**
 * What every target must answer to one smoke prediction: the request all targets share and the
 * checks on the answer (shape and probabilities), independent of transport and auth.
 */

/** One row of the sample model's 10 features (app/model: a forest over 10 float features). */
export const SAMPLE_ROW: readonly number[] = [0.42, -1.3, 2.7, 0.05, -0.8, 1.9, -2.2, 0.61, 3.1, -0.47];

/** The shared request body: `{"instances": [[f1..f10]]}`, as every target's serving contract accepts it. */
export function predictionRequest(): { instances: number[][] } {
    return { instances: [[...SAMPLE_ROW]] };
}

/** How far a probability row may sum from 1 (float32 probabilities summed over a few classes). */
export const PROBABILITY_TOLERANCE = 1e-3;

export interface ShapeExpectations {
    /**
     * Whether the answer must carry `probabilities`. Vertex AI's `:predict` keeps only `predictions` (and adds
     * `deployedModelId`) from the container's answer, so there they are checked only when present.
     */
    readonly probabilitiesRequired: boolean;
}

/** Returns the first problem with a prediction answer, or undefined when it has the expected shape. */
export function shapeProblem(body: unknown, expectations: ShapeExpectations): string | undefined {
    if (typeof body !== "object" || body === null || Array.isArray(body)) return `answer is not a JSON object: ${excerpt(JSON.stringify(body))}`;
    const answer = body as Record<string, unknown>;
    const predictions = answer.predictions;
    if (!Array.isArray(predictions)) return `answer has no "predictions" array (keys: ${Object.keys(answer).join(", ") || "none"})`;
    if (predictions.length !== 1) return `"predictions" has ${predictions.length} entries for 1 instance`;
    const probabilities = answer.probabilities;
    if (probabilities === undefined) {
        return expectations.probabilitiesRequired ? `answer has no "probabilities" (keys: ${Object.keys(answer).join(", ")})` : undefined;
    }
    if (!Array.isArray(probabilities) || probabilities.length !== 1) return `"probabilities" must be 1 row for 1 instance, got ${excerpt(JSON.stringify(probabilities))}`;
    const row: unknown = probabilities[0];
    if (!Array.isArray(row) || row.length < 2 || !row.every((p) => typeof p === "number" && p >= 0 && p <= 1)) {
        return `"probabilities[0]" must be ≥ 2 numbers in [0, 1], got ${excerpt(JSON.stringify(row))}`;
    }
    const sum = (row as number[]).reduce((total, p) => total + p, 0);
    if (Math.abs(sum - 1) > PROBABILITY_TOLERANCE) return `"probabilities[0]" sums to ${sum.toFixed(4)}, not 1 (±${PROBABILITY_TOLERANCE})`;
    return undefined;
}

/** The start of a body or message, on one line, for a table cell or an error. */
export function excerpt(text: string | undefined, max = 160): string {
    const flat = (text ?? "").replace(/\s+/g, " ").trim();
    if (flat === "") return "(empty)";
    return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}
