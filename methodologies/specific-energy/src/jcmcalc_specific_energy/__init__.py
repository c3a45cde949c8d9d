"""JCM specific-energy methodologies (output x reference specific use) as a jcmcalc plugin."""
