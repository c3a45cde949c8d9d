"""High-efficiency boiler methodology family (reconstructed) as a jcmcalc plugin."""
