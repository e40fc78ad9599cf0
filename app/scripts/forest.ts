/**
 * A small, seeded random forest (CART with Gini impurity, bootstrap samples,
 * sqrt(features) candidates per split), shaped like scikit-learn's
 * RandomForestClassifier so that it can be written out the way skl2onnx does.
 * Training works on float32-rounded data and float32 thresholds, so the
 * exported model predicts exactly what the trained forest predicts.
 */

/** mulberry32: tiny, fast, deterministic PRNG. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

export interface Dataset {
  /** Row-major, float32-rounded features. */
  x: Float32Array;
  /** Class index per row (0..classCount-1). */
  y: Uint8Array;
  rows: number;
  features: number;
  classCount: number;
}

/**
 * Synthetic data with the source's shape: some informative features, a
 * nonlinear interaction and label noise, so trees have something to learn.
 */
export function makeDataset(rows: number, features: number, classCount: number, seed: number): Dataset {
  const rand = seededRandom(seed);
  const weights = Array.from({ length: classCount }, () =>
    Array.from({ length: features }, (_, j) => (j < Math.ceil(features / 2) ? gaussian(rand) : 0)),
  );
  const x = new Float32Array(rows * features);
  const y = new Uint8Array(rows);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < features; j++) x[r * features + j] = gaussian(rand);
    let best = 0;
    let bestScore = -Infinity;
    for (let k = 0; k < classCount; k++) {
      let score = 0.5 * gaussian(rand);
      for (let j = 0; j < features; j++) score += (weights[k]?.[j] ?? 0) * (x[r * features + j] ?? 0);
      if (features > 1) score += (k % 2 === 0 ? 1 : -1) * (x[r * features] ?? 0) * (x[r * features + 1] ?? 0);
      if (score > bestScore) {
        bestScore = score;
        best = k;
      }
    }
    y[r] = best;
  }
  return { x, y, rows, features, classCount };
}

export type TreeNode =
  | { kind: "branch"; feature: number; threshold: number; left: TreeNode; right: TreeNode }
  | { kind: "leaf"; counts: number[] };

export interface ForestOptions {
  trees: number;
  maxDepth: number;
  minSamplesSplit: number;
  seed: number;
}

export function trainForest(data: Dataset, options: ForestOptions): TreeNode[] {
  const rand = seededRandom(options.seed);
  const forest: TreeNode[] = [];
  for (let t = 0; t < options.trees; t++) {
    const sample = Array.from({ length: data.rows }, () => Math.floor(rand() * data.rows));
    forest.push(growTree(data, sample, 0, options, rand));
  }
  return forest;
}

function classCounts(data: Dataset, sample: number[]): number[] {
  const counts = new Array<number>(data.classCount).fill(0);
  for (const r of sample) counts[data.y[r] ?? 0]! += 1;
  return counts;
}

function gini(counts: number[], total: number): number {
  if (total === 0) return 0;
  let sum = 0;
  for (const c of counts) sum += (c / total) ** 2;
  return 1 - sum;
}

interface Split {
  feature: number;
  threshold: number;
  impurity: number;
}

function growTree(data: Dataset, sample: number[], depth: number, options: ForestOptions, rand: () => number): TreeNode {
  const counts = classCounts(data, sample);
  const pure = counts.filter((c) => c > 0).length <= 1;
  if (pure || depth >= options.maxDepth || sample.length < options.minSamplesSplit) return { kind: "leaf", counts };

  const split = bestSplit(data, sample, counts, rand);
  if (!split) return { kind: "leaf", counts };
  const value = (r: number) => data.x[r * data.features + split.feature] ?? 0;
  const left = sample.filter((r) => value(r) <= split.threshold);
  const right = sample.filter((r) => value(r) > split.threshold);
  return {
    kind: "branch",
    feature: split.feature,
    threshold: split.threshold,
    left: growTree(data, left, depth + 1, options, rand),
    right: growTree(data, right, depth + 1, options, rand),
  };
}

function bestSplit(data: Dataset, sample: number[], counts: number[], rand: () => number): Split | undefined {
  const candidates = Math.max(1, Math.round(Math.sqrt(data.features)));
  const featureOrder = Array.from({ length: data.features }, (_, j) => j);
  for (let i = featureOrder.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [featureOrder[i], featureOrder[j]] = [featureOrder[j]!, featureOrder[i]!];
  }
  let best: Split | undefined;
  for (const feature of featureOrder.slice(0, candidates)) {
    const value = (r: number) => data.x[r * data.features + feature] ?? 0;
    const sorted = [...sample].sort((a, b) => value(a) - value(b));
    const left = new Array<number>(data.classCount).fill(0);
    const right = [...counts];
    for (let i = 0; i < sorted.length - 1; i++) {
      const cls = data.y[sorted[i]!] ?? 0;
      left[cls]! += 1;
      right[cls]! -= 1;
      const here = value(sorted[i]!);
      const next = value(sorted[i + 1]!);
      if (here === next) continue;
      // A float32 threshold that still separates the two neighbours.
      let threshold = Math.fround((here + next) / 2);
      if (threshold >= next) threshold = here;
      const nLeft = i + 1;
      const nRight = sorted.length - nLeft;
      const impurity = (nLeft * gini(left, nLeft) + nRight * gini(right, nRight)) / sorted.length;
      if (!best || impurity < best.impurity) best = { feature, threshold, impurity };
    }
  }
  return best && best.impurity < gini(counts, sample.length) ? best : undefined;
}

/** Class probabilities of one tree for one row, as scikit-learn's predict_proba would give. */
export function treeProbabilities(tree: TreeNode, row: ArrayLike<number>): number[] {
  let node = tree;
  while (node.kind === "branch") node = (row[node.feature] ?? 0) <= node.threshold ? node.left : node.right;
  const total = node.counts.reduce((a, b) => a + b, 0);
  return node.counts.map((c) => c / total);
}
