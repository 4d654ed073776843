// Observable Framework configuration: https://observablehq.com/framework/config
export default {
  title: "Gradient clustering",
  root: "src",
  pages: [
    { name: "Report", path: "/" },
  ],
  // The default theme loads Source Serif from Google Fonts; the site must make no request
  // outside its own origin (offline builds, privacy), so use the system font stack instead.
  globalStylesheets: [],
  theme: ["air", "near-midnight"],
  head: '<link rel="icon" href="data:,">',
  footer: "K-means and Gaussian mixtures by gradient descent, beside exact references.",
  search: true,
  // Data loaders are TypeScript run by Deno (installed from npm), over the same lib/ as the pages.
  interpreters: {
    ".ts": ["deno", "run", "--allow-read", "--quiet"],
  },
};
