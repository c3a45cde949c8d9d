"""JCM small, mini and micro hydro power methodologies as a jcmcalc plugin."""
