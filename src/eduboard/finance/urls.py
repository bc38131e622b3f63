from django.urls import URLPattern, path

from eduboard.finance import reference_views, views

app_name = "finance"

urlpatterns: list[URLPattern] = [
    path("", views.overview_view, name="overview"),
    path("allocations/", views.AllocationListView.as_view(), name="allocation_list"),
    path("allocations/new/", views.allocation_edit_view, name="allocation_create"),
    path("allocations/<int:pk>/", views.allocation_detail_view, name="allocation_detail"),
    path("allocations/<int:pk>/edit/", views.allocation_edit_view, name="allocation_edit"),
    path("allocations/<int:pk>/delete/", views.allocation_delete_view, name="allocation_delete"),
    path("expenditures/", views.ExpenditureListView.as_view(), name="expenditure_list"),
    path("expenditures/<int:pk>/", views.expenditure_edit_view, name="expenditure_edit"),
    path("meals/", views.meals_view, name="meals"),
    path("meals/rules/new/", views.meal_rule_edit_view, name="meal_rule_create"),
    path("meals/rules/<int:pk>/", views.meal_rule_edit_view, name="meal_rule_edit"),
    path("catering/", views.CateringContractListView.as_view(), name="catering_list"),
    path("catering/new/", views.catering_edit_view, name="catering_create"),
    path("catering/<int:pk>/", views.catering_edit_view, name="catering_edit"),
    path("reference/", reference_views.reference_view, name="reference"),
    path("reference/sources/new/", reference_views.source_edit_view, name="source_create"),
    path("reference/sources/<int:pk>/", reference_views.source_edit_view, name="source_edit"),
    path("reference/costs/new/", reference_views.cost_edit_view, name="cost_create"),
    path("reference/costs/<int:pk>/", reference_views.cost_edit_view, name="cost_edit"),
    path("settlements/", views.settlements_view, name="settlements"),
    path("settlements/lines/", views.SettlementLineListView.as_view(), name="settlement_lines"),
    path("settlements/<int:municipality_id>/", views.settlement_statement_view, name="settlement_statement"),
]
