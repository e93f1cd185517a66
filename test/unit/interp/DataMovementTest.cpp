// DataMovementTest.cpp - filled in below
