// retex
