/**
 * @license Written by tools/tfjs_gradients.ts from @tensorflow/tfjs-core 4.22.0's gradient
 * configs (Copyright Google LLC, Apache License 2.0); do not edit. The configs are unchanged but
 * for their imports, which read the same names from tfjs-core's public API.
 */
import * as tf from "@tensorflow/tfjs-core";

/** The kernels whose gradients this module registers. */
export const GRADIENT_KERNELS = ["Add","BatchMatMul","Concat","Exp","Log","Mean","Min","Multiply","Pow","Reshape","SplitV","Square","Sub","Sum"];

// gradients/min_max_grad_util.js
const min_max_grad_util = (() => {
  const axis_util = tf.backend_util;
  const { cast } = tf;
  const { equal } = tf;
  const { mul } = tf;
  const { reshape } = tf;
  /**
   * Gradient helper function for the min and max operations.
   */
  function gradForMinAndMax(dy, y, xOrig, origAxes) {
      if (y.rank < xOrig.rank) {
          y = reshape(y, axis_util.expandShapeToKeepDim(y.shape, origAxes));
      }
      if (dy.rank < xOrig.rank) {
          dy = reshape(dy, axis_util.expandShapeToKeepDim(dy.shape, origAxes));
      }
      return {
          x: () => {
              const dx = mul(dy, cast(equal(xOrig, y), dy.dtype));
              return dx;
          }
      };
  }
  return { gradForMinAndMax };
})();

// gradients/Add_grad.js
{
  const { Add } = tf;
  const broadcast_util = tf.broadcast_util;
  const { reshape } = tf;
  const { sum } = tf;
  const addGradConfig = {
      kernelName: Add,
      inputsToSave: ['a', 'b'],
      gradFunc: (dy, saved) => {
          const [a, b] = saved;
          const outShape = broadcast_util.assertAndGetBroadcastShape(a.shape, b.shape);
          const derA = () => {
              let res = dy;
              const reduceAxes = broadcast_util.getReductionAxes(a.shape, outShape);
              if (reduceAxes.length > 0) {
                  res = sum(res, reduceAxes);
              }
              return reshape(res, a.shape);
          };
          const derB = () => {
              let res = dy;
              const reduceAxes = broadcast_util.getReductionAxes(b.shape, outShape);
              if (reduceAxes.length > 0) {
                  res = sum(res, reduceAxes);
              }
              return reshape(res, b.shape);
          };
          return { a: derA, b: derB };
      }
  };
  tf.registerGradient(addGradConfig);
}

// gradients/BatchMatMul_grad.js
{
  const { BatchMatMul } = tf;
  const { matMul } = tf;
  const batchMatMulGradConfig = {
      kernelName: BatchMatMul,
      inputsToSave: ['a', 'b'],
      gradFunc: (dy, saved, attrs) => {
          const [a, b] = saved;
          const { transposeA, transposeB } = attrs;
          if (!transposeA && !transposeB) {
              return {
                  a: () => matMul(dy, b, false, true),
                  b: () => matMul(a, dy, true, false)
              };
          }
          else if (!transposeA && transposeB) {
              return {
                  a: () => matMul(dy, b, false, false),
                  b: () => matMul(dy, a, true, false)
              };
          }
          else if (transposeA && !transposeB) {
              return {
                  a: () => matMul(b, dy, false, true),
                  b: () => matMul(a, dy, false, false)
              };
          }
          else {
              return {
                  a: () => matMul(b, dy, true, true),
                  b: () => matMul(dy, a, true, true)
              };
          }
      }
  };
  tf.registerGradient(batchMatMulGradConfig);
}

// gradients/Concat_grad.js
{
  const { Concat } = tf;
  const { split } = tf;
  const { parseAxisParam } = tf.util;
  const concatGradConfig = {
      kernelName: Concat,
      saveAllInputs: true,
      gradFunc: (dy, saved, attrs) => {
          const shapes = saved.map(t => t.shape);
          const { axis } = attrs;
          const $axis = parseAxisParam(axis, saved[0].shape)[0];
          const sizeSplits = shapes.map(s => s[$axis]);
          const derTensors = split(dy, sizeSplits, $axis);
          return derTensors.map(t => () => t);
      }
  };
  tf.registerGradient(concatGradConfig);
}

// gradients/Exp_grad.js
{
  const { Exp } = tf;
  const { mul } = tf;
  const expGradConfig = {
      kernelName: Exp,
      outputsToSave: [true],
      gradFunc: (dy, saved) => {
          const [y] = saved;
          return { x: () => mul(dy, y) };
      }
  };
  tf.registerGradient(expGradConfig);
}

// gradients/Log_grad.js
{
  const { Log } = tf;
  const { cast } = tf;
  const { div } = tf;
  const logGradConfig = {
      kernelName: Log,
      inputsToSave: ['x'],
      gradFunc: (dy, saved) => {
          const [x] = saved;
          return { x: () => div(dy, cast(x, 'float32')) };
      }
  };
  tf.registerGradient(logGradConfig);
}

// gradients/Mean_grad.js
{
  const { Mean } = tf;
  const { computeOutAndReduceShapes } = tf.backend_util;
  const { div } = tf;
  const { mul } = tf;
  const { ones } = tf;
  const { reshape } = tf;
  const util = tf.util;
  const meanGradConfig = {
      kernelName: Mean,
      inputsToSave: ['x'],
      gradFunc: (dy, saved, attrs) => {
          const [x] = saved;
          const { axis } = attrs;
          const axes = util.parseAxisParam(axis, x.shape);
          const shapes = computeOutAndReduceShapes(x.shape, axes);
          const reduceShape = shapes[1];
          const reduceSize = util.sizeFromShape(reduceShape);
          const derX = () => {
              const expandedDyShape = x.shape.slice();
              axes.forEach(axis => {
                  expandedDyShape[axis] = 1;
              });
              const expandedDy = reshape(dy, expandedDyShape);
              const res = div(mul(expandedDy, ones(x.shape, 'float32')), reduceSize);
              return res;
          };
          return { x: derX };
      }
  };
  tf.registerGradient(meanGradConfig);
}

// gradients/Min_grad.js
{
  const { Min } = tf;
  const util = tf.util;
  const { gradForMinAndMax } = min_max_grad_util;
  const minGradConfig = {
      kernelName: Min,
      inputsToSave: ['x'],
      outputsToSave: [true],
      gradFunc: (dy, saved, attrs) => {
          const minAttrs = attrs;
          const { axis } = minAttrs;
          const [x, y] = saved;
          const origAxes = util.parseAxisParam(axis, x.shape);
          const minGrad = gradForMinAndMax(dy, y, x, origAxes);
          return {
              x: () => {
                  return minGrad['x']();
              }
          };
      }
  };
  tf.registerGradient(minGradConfig);
}

// gradients/Multiply_grad.js
{
  const { Multiply } = tf;
  const { assertAndGetBroadcastShape, getReductionAxes } = tf.broadcast_util;
  const { cast } = tf;
  const { mul } = tf;
  const { reshape } = tf;
  const { sum } = tf;
  const multiplyGradConfig = {
      kernelName: Multiply,
      inputsToSave: ['a', 'b'],
      gradFunc: (dy, saved) => {
          const [a, b] = saved;
          const outShape = assertAndGetBroadcastShape(a.shape, b.shape);
          const derA = () => {
              const res = mul(dy, cast(b, 'float32'));
              const reduceAxes = getReductionAxes(a.shape, outShape);
              if (reduceAxes.length > 0) {
                  return reshape(sum(res, reduceAxes), a.shape);
              }
              return res;
          };
          const derB = () => {
              const res = mul(dy, cast(a, 'float32'));
              const reduceAxes = getReductionAxes(b.shape, outShape);
              if (reduceAxes.length > 0) {
                  return reshape(sum(res, reduceAxes), b.shape);
              }
              return res;
          };
          return { a: derA, b: derB };
      }
  };
  tf.registerGradient(multiplyGradConfig);
}

// gradients/Pow_grad.js
{
  const { Pow } = tf;
  const broadcast_util = tf.broadcast_util;
  const { cast } = tf;
  const { greater } = tf;
  const { log } = tf;
  const { mul } = tf;
  const { pow } = tf;
  const { reshape } = tf;
  const { scalar } = tf;
  const { sub } = tf;
  const { sum } = tf;
  const { where } = tf;
  const { zerosLike } = tf;
  const powGradConfig = {
      kernelName: Pow,
      inputsToSave: ['a', 'b'],
      outputsToSave: [true],
      gradFunc: (dy, saved) => {
          const [a, b, y] = saved;
          const base = a;
          const exp = b;
          const outShape = broadcast_util.assertAndGetBroadcastShape(base.shape, exp.shape);
          const derBase = () => {
              const expFloat = cast(exp, 'float32');
              let res = mul(dy, mul(expFloat, pow(base, sub(expFloat, scalar(1)))));
              const reduceAxes = broadcast_util.getReductionAxes(base.shape, outShape);
              if (reduceAxes.length > 0) {
                  res = sum(res, reduceAxes);
              }
              return reshape(res, base.shape);
          };
          const derExp = () => {
              const condition = greater(base, 0);
              const logBase = where(condition, log(base), zerosLike(base));
              let res = mul(dy, mul(y, logBase));
              const reduceAxes = broadcast_util.getReductionAxes(exp.shape, outShape);
              if (reduceAxes.length > 0) {
                  res = sum(res, reduceAxes);
              }
              return reshape(res, exp.shape);
          };
          return { a: derBase, b: derExp };
      }
  };
  tf.registerGradient(powGradConfig);
}

// gradients/Reshape_grad.js
{
  const { Reshape } = tf;
  const { reshape } = tf;
  const reshapeGradConfig = {
      kernelName: Reshape,
      inputsToSave: ['x'],
      gradFunc: (dy, saved) => {
          const [x] = saved;
          return { x: () => reshape(dy, x.shape) };
      }
  };
  tf.registerGradient(reshapeGradConfig);
}

// gradients/SplitV_grad.js
{
  const { SplitV } = tf;
  const { concat } = tf;
  const splitVGradConfig = {
      kernelName: SplitV,
      gradFunc: (dy, saved, attrs) => {
          const { axis } = attrs;
          return { x: () => concat(dy, axis) };
      }
  };
  tf.registerGradient(splitVGradConfig);
}

// gradients/Square_grad.js
{
  const { Square } = tf;
  const { cast } = tf;
  const { mul } = tf;
  const squareGradConfig = {
      kernelName: Square,
      inputsToSave: ['x'],
      gradFunc: (dy, saved) => {
          const [x] = saved;
          return { x: () => mul(dy, mul(cast(x, 'float32'), 2)) };
      }
  };
  tf.registerGradient(squareGradConfig);
}

// gradients/Sub_grad.js
{
  const { Sub } = tf;
  const broadcast_util = tf.broadcast_util;
  const { neg } = tf;
  const { reshape } = tf;
  const { sum } = tf;
  const subGradConfig = {
      kernelName: Sub,
      inputsToSave: ['a', 'b'],
      gradFunc: (dy, saved) => {
          const [a, b] = saved;
          const outShape = broadcast_util.assertAndGetBroadcastShape(a.shape, b.shape);
          const derA = () => {
              let res = dy;
              const reduceAxes = broadcast_util.getReductionAxes(a.shape, outShape);
              if (reduceAxes.length > 0) {
                  res = sum(res, reduceAxes);
              }
              return reshape(res, a.shape);
          };
          const derB = () => {
              let res = dy;
              const reduceAxes = broadcast_util.getReductionAxes(b.shape, outShape);
              if (reduceAxes.length > 0) {
                  res = sum(res, reduceAxes);
              }
              return reshape(neg(res), b.shape);
          };
          return { a: derA, b: derB };
      }
  };
  tf.registerGradient(subGradConfig);
}

// gradients/Sum_grad.js
{
  const { Sum } = tf;
  const { mul } = tf;
  const { ones } = tf;
  const { reshape } = tf;
  const { parseAxisParam } = tf.util;
  const sumGradConfig = {
      kernelName: Sum,
      inputsToSave: ['x'],
      gradFunc: (dy, saved, attrs) => {
          const [x] = saved;
          const expandedDyShape = x.shape.slice();
          const { axis } = attrs;
          const axes = parseAxisParam(axis, x.shape);
          axes.forEach(axis => {
              expandedDyShape[axis] = 1;
          });
          const expandedDy = reshape(dy, expandedDyShape);
          const derX = mul(expandedDy, ones(x.shape, 'float32'));
          return { x: () => derX };
      }
  };
  tf.registerGradient(sumGradConfig);
}
