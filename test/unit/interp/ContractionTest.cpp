// ContractionTest.cpp - filled in below
