"""Tests of the idlib-events build, data and site."""
