"""The vocabulary every stage shares: the pack and answers model, the operator registry, values and numbers, YAML reading, bundled resources, did-you-mean."""
