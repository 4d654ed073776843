import "@tensorflow/tfjs";
