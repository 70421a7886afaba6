from django.apps import AppConfig


class TeachingConfig(AppConfig):
    name = "apps.teaching"
    label = "teaching"
