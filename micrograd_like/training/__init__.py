"""`fit()`: the training loop (it may run compiled steps, so it sits above the compiler)."""
