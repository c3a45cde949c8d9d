"""JCM efficient-equipment methodologies (the efficiency-ratio family) as a jcmcalc plugin."""
