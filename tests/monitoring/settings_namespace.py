"""Settings for child processes of the multi-process window test: the project
settings plus the test's own window namespace (passed in the environment)."""

import os

from liaptui.settings import *  # noqa: F403

MONITORING_NAMESPACE = os.environ["TEST_MONITORING_NAMESPACE"]
