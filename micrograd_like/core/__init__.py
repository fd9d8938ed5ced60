"""The engine: the expression language the rules are written in, the rule table, `Value` and its
generated operators, the backward pass, graph names, higher-order gradients, gradcheck, user expressions."""
