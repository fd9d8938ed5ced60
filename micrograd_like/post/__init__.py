"""The post's worked example and everything that teaches it: walkthrough, diagnosis, stepper,
the gradient-descent curve and landscape."""
