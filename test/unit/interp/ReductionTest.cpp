// ReductionTest.cpp - filled in below
