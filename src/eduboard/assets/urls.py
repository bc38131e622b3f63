from django.urls import path

from eduboard.assets import views

app_name = "assets"

urlpatterns = [
    path("", views.assets_home_view, name="home"),
    path("devices/", views.AssetListView.as_view(), name="asset_list"),
    path("devices/<int:pk>/", views.asset_detail_view, name="asset_detail"),
    path("devices/labels.pdf", views.labels_pdf_view, name="labels"),
    path("loans/", views.LoanListView.as_view(), name="loan_list"),
    path("loans/<int:pk>/", views.loan_detail_view, name="loan_detail"),
    path("loans/<int:pk>/return/", views.loan_return_view, name="loan_return"),
    path("loans/class/", views.bulk_loan_view, name="bulk_loan"),
    path("loans/agreements.pdf", views.agreements_pdf_view, name="agreements"),
    path("loans/returns/", views.returns_view, name="returns"),
    path("loans/rumis.csv", views.rumis_export_view, name="rumis"),
    path("licences/", views.LicenceListView.as_view(), name="licence_list"),
    path("rooms/", views.RoomListView.as_view(), name="room_list"),
    path("stock-takes/", views.stocktake_list_view, name="stocktake_list"),
    path("stock-takes/<int:pk>/", views.stocktake_detail_view, name="stocktake_detail"),
]
