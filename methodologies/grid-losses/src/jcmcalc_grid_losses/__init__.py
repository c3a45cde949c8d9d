"""JCM grid loss reduction methodologies (transformers, transmission lines) as a jcmcalc plugin."""
