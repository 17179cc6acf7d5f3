"""Django-free epidemiological computation (Rt, forecasts, overlap, pooling, simulation)."""
