from django.urls import path

from cyplan.voice import views

app_name = "voice"
urlpatterns = [
    path("have-your-say/", views.have_your_say, name="have-your-say"),
    path("have-your-say/easy-read/", views.have_your_say_easy_read, name="have-your-say-easy"),
    path("have-your-say/thank-you/", views.thanks, name="thanks"),
    path("you-said-we-did/", views.you_said_we_did, name="index"),
    path("you-said-we-did/<int:pk>/", views.item_detail, name="item"),
    path("you-said-we-did/stop-emails/<str:token>/", views.stop_emails, name="unfollow"),
    path("voice/", views.staff_list, name="staff"),
    path("voice/new/", views.staff_new, name="staff-new"),
    path("voice/safeguarding/", views.safeguarding_list, name="safeguarding"),
    path("voice/<int:pk>/", views.staff_item, name="staff-item"),
    path("voice/<int:item_pk>/responses/new/", views.response_form, name="response-new"),
    path("voice/responses/<int:pk>/", views.response_form, name="response-edit"),
]
