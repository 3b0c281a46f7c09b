from django.db.models import QuerySet
from rest_framework import serializers, viewsets

from tests.engine.models import Errand
from workflows.api import TransitionsMixin


class ErrandSerializer(serializers.ModelSerializer):
    class Meta:
        model = Errand
        fields = ["id", "title", "status", "amount", "refusal_reason"]
        read_only_fields = fields


class ErrandViewSet(TransitionsMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = ErrandSerializer
    queryset = Errand.objects.none()  # for the schema; requests use get_queryset()

    def get_queryset(self) -> QuerySet[Errand]:
        return Errand.objects.filter(team__memberships__user=self.request.user).order_by("id")
