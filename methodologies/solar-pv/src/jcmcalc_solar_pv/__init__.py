"""JCM "Installation of Solar PV System" methodologies as a jcmcalc plugin."""
