"""JCM specific-energy methodologies (output x reference specific consumption) as a jcmcalc plugin."""
