"""JCM gas engine cogeneration methodologies as a jcmcalc plugin."""
