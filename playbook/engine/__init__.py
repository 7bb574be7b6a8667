"""Stage 3, evaluation: conditions, computations in use, the stage model, the result types, explanations."""
