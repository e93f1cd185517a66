// ElementwiseTest.cpp - filled in below
