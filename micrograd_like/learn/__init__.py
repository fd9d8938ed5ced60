"""Learning on top of the engine: Neuron, Layer, MLP and model files; losses; optimizers; datasets."""
