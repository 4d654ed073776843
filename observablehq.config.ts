// Observable Framework configuration: https://observablehq.com/framework/config
export default {
  title: "Gradient clustering",
  root: "src",
  pages: [
    { name: "Report", path: "/" },
    { name: "K-means by gradient descent", path: "/kmeans" },
    { name: "Gaussian mixture by gradient descent", path: "/gmm" },
    { name: "Choosing k", path: "/model-selection" },
    { name: "Your data", path: "/your-data" },
    { name: "Benchmark", path: "/bench" },
    { name: "Soft K-means: the bridge", path: "/soft-kmeans" },
    { name: "Local optima", path: "/atlas" },
  ],
  // The default theme loads Source Serif from Google Fonts; the site must make no request
  // outside its own origin (offline builds, privacy), so use the system font stack instead.
  globalStylesheets: [],
  style: "style.css",
  // style.css imports the air (light) and near-midnight (dark) themes, then our additions.
  head: '<link rel="icon" href="data:,">',
  footer: "K-means and Gaussian mixtures by gradient descent, beside exact references.",
  search: true,
  // Data loaders are TypeScript run by Deno (installed from npm), over the same lib/ as the pages.
  interpreters: {
    ".ts": ["deno", "run", "--allow-read", "--allow-env", "--quiet"],
  },
};
