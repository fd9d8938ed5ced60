"""What a learner sees: graph pictures and their renderers, the network view, text views, explanations."""
