"""Fixed vocabularies of the generator: names, pages, features, user agents, referrers …

Everything here is an immutable tuple, so it is safe to share (no global mutable state).
"""

from __future__ import annotations

FIRST_NAMES = (
    "Ana", "Ben", "Chloe", "Daniel", "Elena", "Farid", "Grace", "Hiro", "Isabel", "Jonas",
    "Keira", "Liam", "Maya", "Noah", "Olivia", "Priya", "Quentin", "Rosa", "Samir", "Tara",
    "Umar", "Vera", "Wei", "Ximena", "Yusuf", "Zoe", "Arjun", "Bea", "Carlos", "Dana",
    "Emeka", "Freya", "Gustavo", "Hana", "Ivan", "Julia", "Kofi", "Lena", "Mateo", "Nadia",
)  # fmt: skip
LAST_NAMES = (
    "Silva", "Novak", "Okafor", "Schmidt", "Tanaka", "Haddad", "Kowalski", "Rossi", "Nguyen",
    "Patel", "Garcia", "Johansson", "Murphy", "Dubois", "Kim", "Mendes", "Fischer", "Ali",
    "Brown", "Costa", "Ivanova", "Larsen", "Moreau", "Ortiz", "Reyes", "Sato", "Walsh", "Yilmaz",
    "Bauer", "Chen",
)  # fmt: skip

# (name, domain stem, industry, country, utc offset minutes, currency, timezone name, locale)
ACCOUNT_CATALOG = (
    ("Northwind Dental Group", "northwind-dental", "healthcare", "US", -300, "USD", "America/New_York", "en-US"),
    ("Bluefjord Outdoor", "bluefjord", "retail", "GB", 0, "GBP", "Europe/London", "en-GB"),
    ("Cedar & Stone Realty", "cedarstone-realty", "real_estate", "US", -480, "USD", "America/Los_Angeles", "en-US"),
    ("Lumen Physio Clinics", "lumen-physio", "healthcare", "DE", 60, "EUR", "Europe/Berlin", "de-DE"),
    ("Sunrise Wellness Studio", "sunrise-wellness", "fitness", "IN", 330, "INR", "Asia/Kolkata", "en-IN"),
    ("Harbor Auto Care", "harbor-autocare", "automotive", "US", -360, "USD", "America/Chicago", "en-US"),
    ("Kestrel Legal Partners", "kestrel-legal", "legal", "AU", 600, "AUD", "Australia/Sydney", "en-AU"),
    ("Mosaic Home Goods", "mosaic-homegoods", "retail", "CA", -300, "CAD", "America/Toronto", "en-CA"),
)  # fmt: skip
NAME_PARTS_A = ("Granite", "Willow", "Summit", "Orchid", "Atlas", "Copper", "Juniper", "Nimbus")
NAME_PARTS_B = ("Dental", "Fitness", "Motors", "Realty", "Clinics", "Outfitters", "Bistro", "Labs")

# Account archetypes, cycled over accounts; see the package docstring.
ARCHETYPES = (
    "healthy",
    "at_risk",
    "expansion",
    "steady",
    "trial",
    "declining",
    "churned",
    "small_healthy",
)
# Product personas of an account's users, cycled over its users.
USER_MIX = {
    "healthy": ("power", "power", "active", "active", "casual", "dormant"),
    "at_risk": ("active", "dormant", "dormant", "dormant", "dormant", "dormant"),
    "expansion": ("power", "active", "active", "active", "active", "casual"),
    "steady": ("active", "active", "casual", "casual", "dormant", "casual"),
    "trial": ("active", "casual", "active", "casual", "casual", "dormant"),
    "declining": ("active", "active", "casual", "casual", "casual", "dormant"),
    "churned": ("active", "casual", "casual", "active", "casual", "casual"),
    "small_healthy": ("power", "active", "casual", "casual", "dormant", "active"),
}
# Client-success personas, cycled over the users that are not dormant.
CS_ROTATION = (
    "steady",
    "quiet_2d",
    "steady",
    "quiet_4d",
    "stalled_task",
    "steady",
    "drop_last_week",
    "steady",
    "drop_this_week",
    "new_client",
)
TITLES = (
    ("Operations Manager", "operations"), ("Marketing Lead", "marketing"), ("Founder", "executive"),
    ("Customer Support Lead", "support"), ("Sales Manager", "sales"), ("Office Manager", "operations"),
    ("Growth Analyst", "marketing"), ("IT Administrator", "it"), ("Practice Manager", "operations"),
    ("Head of Customer Experience", "support"),
)  # fmt: skip
SIGNUP_SOURCES = ("organic_search", "paid_search", "referral", "partner", "outbound_sales", "webinar")

# Staff devices: (user agent, platform, screen, device label, browser, os)
STAFF_DEVICES = (
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Safari/537.36",
        "Win32", "1920x1080", "desktop", "Chrome", "Windows",
    ),
    (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/18.1 Safari/605.1.15",
        "MacIntel", "1440x900", "desktop", "Safari", "macOS",
    ),
    (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Safari/537.36",
        "MacIntel", "2560x1440", "desktop", "Chrome", "macOS",
    ),
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
        "Win32", "1536x864", "desktop", "Edge", "Windows",
    ),
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
        "Win32", "1366x768", "desktop", "Firefox", "Windows",
    ),
    (
        "Mozilla/5.0 (iPad; CPU OS 17_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/17.7 Mobile/15E148 Safari/604.1",
        "iPad", "820x1180", "tablet", "Safari", "iOS",
    ),
)  # fmt: skip

# Widget visitors: (user agent, weight, device class, is_bot); device class indexes SCREENS.
VISITOR_AGENTS = (
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Safari/537.36",
        27, 0, False,
    ),
    (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/18.1 Safari/605.1.15",
        10, 0, False,
    ),
    (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Safari/537.36",
        8, 0, False,
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/18.1 Mobile/15E148 Safari/604.1",
        19, 1, False,
    ),
    (
        "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Mobile Safari/537.36",
        13, 2, False,
    ),
    (
        "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) "
        "SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36",
        3, 2, False,
    ),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0", 5, 0, False),
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
        6, 0, False,
    ),
    (
        "Mozilla/5.0 (iPad; CPU OS 17_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/17.7 Mobile/15E148 Safari/604.1",
        3, 3, False,
    ),
    ("Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0", 1, 0, False),
    ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", 1, 0, True),
    (
        "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.6778.69 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        1, 2, True,
    ),
    ("Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)", 1, 0, True),
    (
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "HeadlessChrome/131.0.0.0 Safari/537.36",
        1, 0, True,
    ),
)  # fmt: skip
# Screens per device class: desktop, iPhone, Android phone, tablet.
SCREENS = (
    ((1920, 1080), (1536, 864), (2560, 1440), (1440, 900), (1366, 768)),
    ((390, 844), (393, 852), (430, 932), (375, 667)),
    ((412, 915), (360, 800), (384, 854), (412, 892)),
    ((820, 1180), (1024, 1366), (810, 1080)),
)

# Traffic sources of widget visits:
# (referrer, utm_source, utm_medium, utm_campaign, weight for first visits)
TRAFFIC = (
    ("https://www.google.com/", None, None, None, 26),
    ("https://www.bing.com/", None, None, None, 4),
    ("https://duckduckgo.com/", None, None, None, 2),
    ("https://www.google.com/", "google", "cpc", "brand_search", 5),
    ("https://www.google.com/", "google", "cpc", "spring_promo", 3),
    ("https://l.facebook.com/", "facebook", "paid_social", "retargeting_q2", 4),
    ("https://m.facebook.com/", None, None, None, 4),
    ("https://www.linkedin.com/", None, None, None, 3),
    ("https://www.linkedin.com/", "linkedin", "social", "thought_leadership", 2),
    ("https://t.co/", None, None, None, 3),
    ("https://l.instagram.com/", None, None, None, 2),
    ("", "newsletter", "email", "weekly_digest", 4),
    ("https://mail.google.com/", "newsletter", "email", "spring_offers", 2),
    ("https://www.yelp.com/", None, None, None, 3),
    ("https://www.youtube.com/", None, None, None, 1),
    ("https://partner-directory.example/listings", None, None, None, 2),
    ("", "partner", "affiliate", "partner_program", 1),
    ("", None, None, None, 29),
)
DIRECT_TRAFFIC = len(TRAFFIC) - 1

# Pages of an account's website: (path, title)
SITE_PAGES = (
    ("/", "Home"),
    ("/pricing", "Pricing"),
    ("/services", "Services"),
    ("/about", "About us"),
    ("/contact", "Contact"),
    ("/book-appointment", "Book an appointment"),
    ("/blog/getting-started", "Getting started"),
    ("/blog/spring-offers", "Spring offers"),
    ("/faq", "FAQ"),
    ("/locations", "Locations"),
)
SITE_PAGE_WEIGHTS = (30, 14, 14, 6, 8, 9, 6, 5, 5, 3)

# Product web app (the product SDK).
APP_ORIGIN = "https://app.agentdesk.example"
APP_PAGES = (
    ("/dashboard", "Dashboard", "Dashboard"),
    ("/agents", "Agents", "Agents"),
    ("/agents/new", "Create agent", "Agent Wizard"),
    ("/conversations", "Conversations", "Inbox"),
    ("/analytics", "Analytics", "Analytics"),
    ("/reports", "Reports", "Reports"),
    ("/settings", "Settings", "Settings"),
    ("/settings/team", "Team", "Team Settings"),
    ("/integrations", "Integrations", "Integrations"),
    ("/billing", "Billing", "Billing"),
    ("/widget", "Widget", "Widget Designer"),
    ("/knowledge-base", "Knowledge base", "Knowledge Base"),
    ("/playbooks", "Playbooks", "Playbooks"),
    ("/help", "Help center", "Help"),
)
# (feature_name, feature_category); REPORT_FEATURE is the one whose usage drops.
FEATURES = (
    ("agent_builder", "build"),
    ("knowledge_base", "build"),
    ("conversation_inbox", "operate"),
    ("analytics_dashboard", "analyze"),
    ("report_builder", "analyze"),
    ("widget_designer", "build"),
    ("workflow_automation", "automate"),
    ("integrations_hub", "connect"),
    ("team_management", "admin"),
    ("appointment_scheduler", "operate"),
    ("broadcast_campaigns", "engage"),
    ("ai_suggestions", "automate"),
)
REPORT_FEATURE = 4
FEATURE_ACTIONS = ("opened", "configured", "used", "saved")
BUTTONS = (
    ("Save Changes", "header", "btn-save"),
    ("Create Agent", "toolbar", "btn-create-agent"),
    ("Publish", "footer", "btn-publish"),
    ("Invite Teammate", "sidebar", "btn-invite"),
    ("Export CSV", "toolbar", "btn-export"),
    ("Connect", "card", "btn-connect"),
    ("Test Agent", "header", "btn-test-agent"),
    ("Upgrade Plan", "banner", "btn-upgrade"),
    ("Cancel", "modal", "btn-cancel"),
    ("Send Broadcast", "toolbar", "btn-send-broadcast"),
)
FORMS = (
    "user_profile",
    "agent_settings",
    "widget_settings",
    "integration_setup",
    "invite_teammate",
    "billing_details",
    "support_request",
    "knowledge_upload",
)
ERRORS = (
    ("javascript", "Cannot read properties of undefined (reading 'id')"),
    ("network", "Failed to fetch"),
    ("api", "Request failed with status code 500"),
    ("validation", "Invalid phone number format"),
    ("timeout", "Request timed out after 30000ms"),
)
SPIKE_ERROR = ("api", "Request failed with status code 503")
SEARCHES = (
    "pricing rules", "whatsapp template", "refund policy", "appointment reminders",
    "export conversations", "webhook", "business hours", "handoff to human", "api key",
    "csat survey", "opening hours", "instagram inbox",
)  # fmt: skip
SEARCH_LOCATIONS = ("global_search", "help_center", "knowledge_base")
GOALS = (
    ("user_activation", "First agent published", 1.0),
    ("integration", "First integration connected", 1.0),
    ("collaboration", "First teammate invited", 1.0),
    ("automation", "First automated workflow", 1.0),
    ("adoption", "10 conversations handled", 10.0),
    ("engagement", "100 conversations handled", 100.0),
)
TICKETS = (
    ("technical", "high", "Agent stopped answering on WhatsApp"),
    ("billing", "normal", "Invoice shows the wrong plan"),
    ("integration", "high", "Calendar sync fails"),
    ("technical", "urgent", "Widget does not load on our site"),
    ("account", "low", "How do I remove a teammate?"),
    ("feature_request", "low", "Export transcripts as PDF"),
)
LOGIN_METHODS = ("password", "google_sso", "saml_sso", "magic_link")
CHURN_REASONS = ("budget_constraints", "product_fit", "competitive", "low_usage")
CONNECTIONS = ("4g", "4g", "4g", "wifi", "3g")

# Behavior tracking.
BEHAVIOR_EVENT_TYPES = (
    "tool_usage",
    "export_action",
    "competency_milestone",
    "scaling_metric",
    "professional_action",
    "navigation",
    "content_interaction",
    "resource_generation",
    "resource_share",
    "systematic_progression",
)
BEHAVIOR_EVENT_WEIGHTS = (22, 7, 3, 4, 6, 25, 15, 10, 4, 4)
# impact per event type: 0 low, 1 medium, 2 high
BEHAVIOR_IMPACT = (1, 2, 2, 1, 1, 0, 0, 2, 2, 2)
IMPACTS = ("low", "medium", "high")
TOOLS = ("icp-analysis", "cost-calculator", "business-case", "resource-library")
TOOL_SECTIONS = (
    ("overview", "rating-framework", "buyer-personas", "technical-translation"),
    ("inputs", "cost-of-inaction", "roi-summary", "report-generation"),
    ("executive-summary", "financial-model", "stakeholder-map", "export"),
    ("templates", "playbooks", "frameworks", "search"),
)
COMPETENCIES = ("customer_intelligence", "value_communication", "sales_execution", "systematic_optimization")
GROWTH_STAGES = ("early_scaling", "rapid_scaling", "mature_scaling")
ARR_LEVELS = (("$500K", "$2M"), ("$1M+", "$5M"), ("$2M+", "$10M"), ("$5M+", "$20M"))
BEHAVIOR_REFERRERS = ("", "https://www.google.com/", "https://www.linkedin.com/", "https://mail.google.com/")
EXPORT_TYPES = ("pdf", "csv", "email")
DOCUMENT_TYPES = ("stakeholder-report", "roi-summary", "icp-profile", "business-case")
RESOURCE_TYPES = ("persona", "rating-framework", "email-sequence", "value-narrative")
CONTENT_INTERACTIONS = ("expand", "read", "copy", "bookmark")
SHARE_CHANNELS = ("email", "link", "slack")
PROFESSIONAL_ACTIONS = (
    "framework_applied",
    "stakeholder_meeting_prepped",
    "pipeline_reviewed",
    "deal_qualified",
)

# Client success.
CS_EVENT_TYPES = (
    "login",
    "page_view",
    "task_completed",
    "content_generated",
    "visual_created",
    "voice_interaction",
    "insight_reviewed",
    "export_downloaded",
    "settings_updated",
    "feedback_given",
)
# weights for events after a session's login; task_completed comes from the task states
CS_EVENT_WEIGHTS = (0, 40, 0, 14, 9, 6, 10, 7, 4, 3)
CS_PAGES = ("/client/dashboard", "/client/success", "/client/content", "/client/visuals", "/client/tasks")
CONTENT_TYPES = ("blog_post", "social_post", "email", "ad_copy")
VISUAL_TYPES = ("banner", "infographic", "social_image")
INSIGHT_TYPES = ("weekly_summary", "achievement", "recommendation", "milestone", "tip")
EXPORT_FORMATS = ("pdf", "csv", "png")
SETTINGS = ("notifications", "timezone", "brand_colors", "language")
FEEDBACK_CONTEXTS = ("weekly_email", "dashboard", "support")
VOICE_INTENTS = ("draft_post", "summarize_week", "schedule_task")
ONBOARDING_TASKS = (
    "Complete your profile",
    "Connect your calendar",
    "Upload brand assets",
    "Create your first agent",
    "Invite a teammate",
)
LAUNCH_KIT_TASK = "Review your launch kit"
OTHER_TASKS = ("Schedule a strategy call", "Set up weekly report", "Review content calendar")

# Chat widget: (event_name, event_category)
WIDGET_EVENTS = (
    ("widget_loaded", "system"),
    ("widget_opened", "engagement"),
    ("widget_minimized", "engagement"),
    ("message_sent", "engagement"),
    ("message_received", "engagement"),
    ("pre_chat_form_shown", "engagement"),
    ("pre_chat_form_submitted", "engagement"),
    ("feedback_given", "engagement"),
    ("widget_error", "error"),
    ("api_error", "error"),
    ("slow_response", "performance"),
)
WIDGET_TRIGGERS = ("button_click", "proactive_message", "api")
WIDGET_JS_ERRORS = (
    "TypeError: Cannot read properties of null (reading 'focus')",
    "ChunkLoadError: Loading chunk 7 failed",
)
API_STATUS = (500, 502, 503, 504, 429)
MAIL_DOMAINS = ("gmail.com", "outlook.com", "yahoo.com", "icloud.com", "proton.me")

# Conversations (the agent platform).
PLATFORMS = ("whatsapp", "instagram", "messenger", "web", "sms")
WEB = 3
SENDERS = ("customer", "agent", "human")
CONVERSIONS = ("appointment", "purchase", "lead", "referral")
SENTIMENTS = ("positive", "neutral", "negative")
EMOTIONS = (
    ("satisfied", "happy", "grateful"),
    ("curious", "calm", "neutral"),
    ("frustrated", "confused", "impatient"),
)
INTENTS = (
    "book_appointment", "pricing_inquiry", "product_question", "order_status", "complaint",
    "refund_request", "technical_support", "general_inquiry", "opening_hours", "reschedule",
)  # fmt: skip
ESCALATION_REASONS = ("customer_requested_human", "complex_request", "complaint", "payment_issue")
FOLLOW_UPS = ("send_quote", "confirm_appointment", "call_back", "send_invoice", "share_brochure")
TAGS = ("pricing", "new_customer", "vip", "appointment", "complaint", "upsell", "support")
JOURNEY_STAGES = ("awareness", "consideration", "decision", "retention", "advocacy")
HUMAN_AGENTS = ("maria.lopez", "tom.becker", "aisha.khan", "li.wang")
AGENT_NAME_SUFFIXES = ("Concierge", "Assistant", "Front Desk", "Helper", "Booking Bot", "Care Line")
