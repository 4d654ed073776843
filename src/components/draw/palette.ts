/**
 * The one categorical palette for clusters and mixture components, on every page and in both
 * themes. Ten colours chosen for colour-blind readers (Okabe-Ito's blue, vermillion, bluish green
 * and reddish purple first, then darker golds, blues, greys and browns) and, unlike Okabe-Ito's
 * yellow, orange, sky blue and black, each at least 3:1 in WCAG contrast against both the light
 * theme's background (#ffffff) and the dark theme's (#161616): `test/palette_test.ts` checks it.
 *
 * Panels that show different models of the same data colour matched clusters alike: pass each
 * model's colour index (from `matchCentroids`) to the chart, never the raw component order.
 *
 * @module
 */

/** Cluster colours in order: cluster j (0-based) is `CLUSTER_COLOURS[j % 10]`. */
export const CLUSTER_COLOURS: readonly string[] = [
  "#0072b2",
  "#d55e00",
  "#009e73",
  "#cc79a7",
  "#b8860b",
  "#2c8fd0",
  "#7f7f7f",
  "#9c755f",
  "#8c6bb1",
  "#ee3377",
];

/** The colour of cluster (or component) j, 0-based. */
export const clusterColourOf = (j: number): string => CLUSTER_COLOURS[j % CLUSTER_COLOURS.length];

/** Cluster j's name in legends (1-based, as readers count). */
export const clusterName = (j: number): string => `cluster ${j + 1}`;

/** Axis names for the data's columns, one spelling on every page: x₀, x₁, ... (0-based, as NumPy counts). */
export const columnName = (t: number): string =>
  `x${String(t).replace(/\d/g, (digit) => "₀₁₂₃₄₅₆₇₈₉"[Number(digit)])}`;

/** WCAG 2 relative luminance of a `#rrggbb` colour. */
function relativeLuminance(hex: string): number {
  const channel = (offset: number) => {
    const value = parseInt(hex.slice(1 + offset, 3 + offset), 16) / 255;
    return value <= 0.04045 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4);
}

/** WCAG 2 contrast ratio between two `#rrggbb` colours (1 to 21). */
export function contrastRatio(a: string, b: string): number {
  const [high, low] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x);
  return (high + 0.05) / (low + 0.05);
}
