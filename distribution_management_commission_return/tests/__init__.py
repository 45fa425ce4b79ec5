from . import test_return_reversal
