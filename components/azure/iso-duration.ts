/** Seconds as an ISO 8601 duration (`PT1M30S`), the form Azure's probe, request and autoscale settings take. */
export function isoDuration(seconds: number): string {
    if (!Number.isInteger(seconds) || seconds < 0) throw new RangeError(`a duration must be a whole number of seconds ≥ 0, got ${seconds}`);
    const hours = Math.floor(seconds / 3600);
    const minutes = Math.floor((seconds % 3600) / 60);
    const rest = seconds % 60;
    const parts = `${hours ? `${hours}H` : ""}${minutes ? `${minutes}M` : ""}${rest || seconds === 0 ? `${rest}S` : ""}`;
    return `PT${parts}`;
}
