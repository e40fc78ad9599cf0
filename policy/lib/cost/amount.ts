import type { Price } from "./prices";

// Money that may be partly unknown or unbounded: an unknown price or quantity is carried by name, never
// counted as zero, and a quantity with no cap (a Lambda without reserved concurrency at its ceiling) likewise.

export interface Amount {
    /** The sum of the parts whose price and quantity are known and finite. */
    readonly usd: number;
    /** What could not be priced (a type with no price in the book, or a quantity the plan does not say). */
    readonly unknown: readonly string[];
    /** What has no upper bound in the plan. */
    readonly unbounded: readonly string[];
}

export const ZERO: Amount = { usd: 0, unknown: [], unbounded: [] };

/** `quantity` units at `price`; `what` names the part when the price is missing, the quantity is NaN, or it is infinite. */
export function amountOf(quantity: number, price: Price | undefined, what: string): Amount {
    if (quantity === 0) return ZERO;
    if (Number.isNaN(quantity) || price === undefined) return { usd: 0, unknown: [what], unbounded: [] };
    if (!Number.isFinite(quantity)) return { usd: 0, unknown: [], unbounded: [what] };
    return { usd: quantity * price.usd, unknown: [], unbounded: [] };
}

export function sum(amounts: readonly Amount[]): Amount {
    return {
        usd: amounts.reduce((total, amount) => total + amount.usd, 0),
        unknown: [...new Set(amounts.flatMap((amount) => amount.unknown))],
        unbounded: [...new Set(amounts.flatMap((amount) => amount.unbounded))],
    };
}

/** True when the whole amount is known and bounded. */
export function isExact(amount: Amount): boolean {
    return amount.unknown.length === 0 && amount.unbounded.length === 0;
}

/** `$1,234.56`, plus what is missing: `$12.00 + unknown (ml.p5.48xlarge)`, `unbounded (…)`. */
export function formatAmount(amount: Amount): string {
    const dollars = `$${amount.usd.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
    if (amount.unbounded.length > 0) return `unbounded (${amount.unbounded.join(", ")})`;
    if (amount.unknown.length > 0) return `${dollars} + unknown (${amount.unknown.join(", ")})`;
    return dollars;
}

/** `b - a` where both are exact; otherwise what is missing on either side. */
export function difference(before: Amount, after: Amount): Amount {
    return { usd: after.usd - before.usd, unknown: [...new Set([...before.unknown, ...after.unknown])], unbounded: [...new Set([...before.unbounded, ...after.unbounded])] };
}
