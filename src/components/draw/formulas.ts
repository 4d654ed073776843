/**
 * The formulas the site explains, as TeX, written once: the Report renders them at build time
 * (`katex.renderToString` in `src/index.md.ts`) and the live pages on the client
 * (`formula(name)` in `tex.ts`). Notation: N points x_i in R^d, k centroids c_j (K-means) or
 * components with weight pi_j, mean mu_j and standard deviation sigma_j (the spherical mixture).
 *
 * @module
 */

/** Every formula by name, with a one-line caption saying what it is. */
export const FORMULAS = {
  kmeansLoss: {
    tex: String.raw`L(c_1,\dots,c_k) = \frac{1}{N}\sum_{i=1}^{N} \min_{j} \lVert x_i - c_j \rVert^2`,
    caption: "The K-means loss: the mean squared distance of each point to its nearest centroid.",
  },
  kmeansGradient: {
    tex: String.raw`\frac{\partial L}{\partial c_j} = \frac{2}{N}\sum_{i \,:\, j(i) = j} (c_j - x_i)
      \qquad j(i) = \arg\min_{j'} \lVert x_i - c_{j'} \rVert^2`,
    caption:
      "Its gradient: each centroid is pulled towards the points nearest to it (a centroid nearest to no point gets none).",
  },
  adamw: {
    tex: String.raw`\begin{aligned}
      \theta &\leftarrow \theta\,(1 - \eta\lambda) \\
      m_t &= \beta_1 m_{t-1} + (1-\beta_1)\, g_t, \qquad v_t = \beta_2 v_{t-1} + (1-\beta_2)\, g_t^2 \\
      \theta &\leftarrow \theta - \eta\, \frac{m_t/(1-\beta_1^t)}{\sqrt{v_t/(1-\beta_2^t)} + \epsilon}
    \end{aligned}`,
    caption:
      "AdamW's step from the gradient g: decoupled weight decay, then the moment estimates, then the bias-corrected step (PyTorch's defaults β₁ = 0.9, β₂ = 0.999, ε = 1e-8, λ = 0.01; the mixture uses Adam: λ = 0, β₂ = 0.99, ε = 1e-5).",
  },
  mixtureNLL: {
    tex: String.raw`\begin{aligned}
      \mathrm{NLL} &= -\frac{1}{N}\sum_{i=1}^{N} \log \sum_{j=1}^{k} \pi_j\, \mathcal{N}(x_i \mid \mu_j, \sigma_j^2 I) \\
      &= -\frac{1}{N}\sum_{i=1}^{N} \operatorname{logsumexp}_j \Big(\log \pi_j
        - \frac{\lVert x_i-\mu_j\rVert^2}{2\sigma_j^2} - \frac{d}{2}\log(2\pi\sigma_j^2)\Big)
    \end{aligned}`,
    caption:
      "The mixture's loss: the mean negative log-likelihood, computed with log-sum-exp so that no density underflows.",
  },
  emEStep: {
    tex: String.raw`\text{E-step:}\quad r_{ij} = \frac{\pi_j\, \mathcal{N}(x_i \mid \mu_j, \sigma_j^2 I)}
      {\sum_{j'} \pi_{j'}\, \mathcal{N}(x_i \mid \mu_{j'}, \sigma_{j'}^2 I)}`,
    caption: "EM's E-step: each point's responsibilities, the probability that each component produced it.",
  },
  emMStep: {
    tex: String.raw`\begin{aligned}
      \text{M-step:}\quad n_j &= \sum_i r_{ij},\qquad \pi_j = \frac{n_j}{N},\qquad
        \mu_j = \frac{1}{n_j}\sum_i r_{ij}\, x_i, \\
      \sigma_j^2 &= \frac{1}{d\, n_j}\sum_i r_{ij} \lVert x_i - \mu_j \rVert^2 + 10^{-6}
    \end{aligned}`,
    caption:
      "EM's M-step: weights, means and variances re-estimated from the responsibilities (scikit-learn adds 1e-6 to each variance).",
  },
} as const;

/** The name of one formula in {@link FORMULAS}. */
export type FormulaName = keyof typeof FORMULAS;
