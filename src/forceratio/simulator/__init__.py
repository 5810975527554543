"""Pure numerics: attrition laws, closed forms, the batched integrator, the stochastic
engine.  Nothing here reads or writes files or prints."""
