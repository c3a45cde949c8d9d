"""JCM waste heat recovery (WHR) power generation methodologies as a jcmcalc plugin."""
