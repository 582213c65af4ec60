"""The framework stage's data: policy kinds, durations, `Framework` and composition, and
loading framework folders (`folder`). Plain data: nothing here imports a later stage."""
