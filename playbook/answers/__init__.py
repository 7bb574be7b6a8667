"""Stage 4, the partner's side: read and check answers files, write templates, carry last year forward, pack test cases."""
