import { redactText } from './secrets';

/**
 * Errors are values with a stable code, a plain Turkish message for the user and an English detail for logs.
 * Every code lives in this one catalogue so the UI, the CLI and the tests agree on it.
 */

/** `input`: the user's input was wrong (CLI exit 2). `target`: the ERP/integrator failed (exit 1). */
export type ErrorKind = 'input' | 'target' | 'internal';

interface CatalogEntry {
  kind: ErrorKind;
  tr: string;
}

export const ERROR_CATALOG = {
  /** Anything that is not a KonnektorError: a bug or an unforeseen failure; the English detail goes to the log. */
  UNEXPECTED: { kind: 'internal', tr: 'Beklenmeyen bir hata oluştu.' },
  INPUT_INVALID: { kind: 'input', tr: 'Girilen bilgiler geçersiz.' },
  MODULE_UNKNOWN: { kind: 'input', tr: 'Bilinmeyen modül.' },
  MODULE_NOT_SUPPORTED: { kind: 'input', tr: 'Seçilen muhasebe programı bu modülü desteklemiyor.' },
  CONNECTOR_UNKNOWN: { kind: 'input', tr: 'Bilinmeyen muhasebe programı.' },
  CONNECTOR_MODULE_NOT_SUPPORTED: {
    kind: 'input',
    tr: '{module} modülü {program} ile henüz kullanılamıyor: Konnektör bu programdan {module} belgelerini okuyamıyor. Başka bir modül veya muhasebe programı seçin.',
  },
  ERP_FIRM_CODE_INVALID: { kind: 'input', tr: 'Firma kodu en fazla 3 rakamdan oluşmalıdır (ör. 2 → 002).' },
  ERP_PERIOD_CODE_INVALID: { kind: 'input', tr: 'Dönem kodu en fazla 2 rakamdan oluşmalıdır (ör. 1 → 01).' },
  ERP_BRANCH_CODE_INVALID: { kind: 'input', tr: 'Şube kodu yalnızca rakamlardan oluşmalıdır (en fazla 4 hane; ör. 0 merkez, 1, 12).' },
  ERP_BRANCH_NOT_SUPPORTED: {
    kind: 'input',
    tr: 'Bu muhasebe programının faturalarında şube bilgisi tutulmuyor; Konnektör belgeleri şubeye göre ayıramaz. Şube kodunu boş bırakın.',
  },
  ERP_FIRM_REQUIRED: { kind: 'input', tr: 'Bu muhasebe programı için firma kodu gereklidir.' },
  ERP_PERIOD_REQUIRED: { kind: 'input', tr: 'Bu muhasebe programı için dönem kodu gereklidir.' },
  ERP_FISCAL_YEAR_INVALID: { kind: 'input', tr: 'Mali yıl 4 rakamdan oluşmalıdır (ör. 2026).' },
  ERP_FISCAL_YEAR_REQUIRED: { kind: 'input', tr: 'Bu muhasebe programı için mali yıl gereklidir; “Firma/Dönem Ara” ile şirketi ve yılı seçin.' },
  ERP_DATABASE_NAME_INVALID: { kind: 'input', tr: 'Veri tabanı adı geçersiz.' },
  ERP_DATABASE_REQUIRED: { kind: 'input', tr: 'Veri tabanı adı gereklidir.' },
  ERP_SERVER_URL_INVALID: { kind: 'input', tr: 'Sunucu adresi geçersiz (ör. mssql://kullanici:sifre@sunucu:1433/ÖRNEK).' },
  ERP_PASSWORD_ON_COMMAND_LINE: {
    kind: 'input',
    tr: 'Veri tabanı şifresini komut satırına yazmayın (bu bilgisayarın her kullanıcısı görebilir); şifreyi bir ortam değişkenine koyup --erp-password-env ile adını verin.',
  },
  ERP_DATE_INVALID: { kind: 'input', tr: 'Tarih geçersiz: YYYY-AA-GG biçiminde, takvimde bulunan bir gün girin (ör. 2026-02-28).' },
  ERP_SERVER_UNREACHABLE: { kind: 'target', tr: 'Veri tabanı sunucusuna ulaşılamıyor.' },
  ERP_LOGIN_FAILED: { kind: 'target', tr: 'Veri tabanı kullanıcı adı veya şifresi hatalı.' },
  ERP_DATABASE_NOT_FOUND: { kind: 'target', tr: 'Veri tabanı bulunamadı.' },
  ERP_TABLES_MISSING: { kind: 'target', tr: 'Veri tabanında bu muhasebe programının tabloları bulunamadı.' },
  ERP_COLUMN_MISSING: { kind: 'target', tr: 'Veri tabanındaki bir tabloda gerekli bir alan eksik.' },
  ERP_READ_DENIED: { kind: 'target', tr: 'Veri tabanı kullanıcısının okuma yetkisi yok.' },
  ERP_WRITE_DENIED: { kind: 'target', tr: 'Veri tabanı kullanıcısının yazma yetkisi yok.' },
  ERP_FIRM_NOT_FOUND: { kind: 'target', tr: 'Firma muhasebe programında bulunamadı.' },
  ERP_PERIOD_NOT_FOUND: { kind: 'target', tr: 'Dönem muhasebe programında bulunamadı.' },
  ERP_FISCAL_YEAR_NOT_FOUND: { kind: 'target', tr: 'Bu mali yıl şirketin veri tabanında açılmamış.' },
  ERP_COMPANY_NOT_FOUND: { kind: 'target', tr: 'Şirket, muhasebe programının şirket listesinde bulunamadı.' },
  ERP_DOCUMENT_NOT_FOUND: { kind: 'target', tr: 'Belge muhasebe programında bulunamadı.' },
  ERP_VALUE_INVALID: {
    kind: 'target',
    tr: 'Muhasebe programındaki bir belgede okunamayan bir değer var (ör. tutar alanında sayı değil); belge gönderilmedi, diğerleri devam etti.',
  },
  ERP_DUPLICATE_ETTN: {
    kind: 'target',
    tr: 'Muhasebe programında iki belge aynı ETTN’yi (GUID) taşıyor; belgeye yeni bir GUID verin ya da GUID’i boşaltın.',
  },
  ERP_ETTN_INVALID: { kind: 'target', tr: 'Muhasebe programındaki ETTN (GUID) UUID biçiminde değil; programda düzeltin ya da boşaltın.' },
  ERP_ETTN_CONFLICT: { kind: 'target', tr: 'Belgenin muhasebe programında başka bir ETTN’si kayıtlı; üzerine yazılmadı.' },
  ERP_HELPER_OBJECTS_MISSING: {
    kind: 'target',
    tr: 'Konnektör yardımcı tabloları bu veri tabanında kurulu değil; bağlantı ayarlarından kurulumu yapın.',
  },
  ERP_VALUE_ENCODING: { kind: 'target', tr: 'Muhasebe veri tabanındaki bir metin beklenen kod sayfasında (Windows-1254) değil.' },
  REGISTRY_REQUIRED: {
    kind: 'internal',
    tr: 'Bu muhasebe programı faturanın e-Fatura mı e-Arşiv mi olduğunu kaydetmiyor; GİB kayıtlı kullanıcı listesi olmadan ayrılamaz.',
  },
  ERP_QUERY_FAILED: { kind: 'target', tr: 'Muhasebe veri tabanından okuma başarısız oldu.' },
  ERP_DATABASE_OTHER_PROGRAM: { kind: 'input', tr: 'Bu veri tabanı seçilen muhasebe programına değil, başka bir programa ait; programı veya veri tabanını değiştirin.' },
  YEAREND_PROFILE_NOT_FOUND: { kind: 'input', tr: 'Bu modül için kayıtlı bağlantı ayarı (profil) bulunamadı.' },
  YEAREND_PROFILE_AMBIGUOUS: { kind: 'input', tr: 'Bu modülde birden fazla firma var; güncellenecek firmanın VKN’sini seçin.' },
  YEAREND_FIRM_NOT_FOUND: { kind: 'input', tr: 'Seçilen firma muhasebe programında bulunamadı.' },
  YEAREND_PERIOD_NOT_FOUND: { kind: 'input', tr: 'Seçilen dönem muhasebe programında bulunamadı; “Firma/Dönem Ara” ile mevcut dönemlerden birini seçin.' },
  YEAREND_DATABASE_NOT_FOUND: { kind: 'input', tr: 'Seçilen veri tabanı sunucuda bulunamadı; “Veri tabanı Ara” ile mevcut veri tabanlarından birini seçin.' },
  YEAREND_DATABASE_OTHER_COMPANY: { kind: 'input', tr: 'Seçilen veri tabanı veya firma başka bir şirkete ait; bu şirketin yeni yılını seçin.' },
  YEAREND_DATABASE_OTHER_PROGRAM: { kind: 'input', tr: 'Seçilen veri tabanı bu muhasebe programına ait değil.' },
  YEAREND_TABLES_MISSING: { kind: 'target', tr: 'Yeni veri tabanında bu modülün tabloları eksik; muhasebe programında yeni yılın açılışını tamamlayın.' },
  YEAREND_TARGET_NOT_NEWER: { kind: 'input', tr: 'Seçilen dönem veya veri tabanı mevcut mali yıldan yeni değil.' },
  YEAREND_APPLY_FAILED: { kind: 'target', tr: 'Konnektör yardımcı tabloları yeni veri tabanına kurulamadı; hiçbir değişiklik yapılmadı.' },
  YEAREND_STAFF_ONLY: { kind: 'input', tr: 'Entegratör adresini yalnızca eFinans personeli oturumu değiştirebilir.' },
  YEAREND_SESSION_REQUIRED: { kind: 'input', tr: 'Veri tabanı güncellemesi için modüle giriş yapmalısınız.' },
  LOCAL_STORE_UNKNOWN_MIGRATION: {
    kind: 'internal',
    tr: 'Yerel veri deposu bu sürümden daha yeni bir Konnektör ile güncellenmiş; lütfen Konnektör’ü güncelleyin.',
  },
  LOCAL_STORE_CORRUPT: {
    kind: 'internal',
    tr: 'Yerel veri deposu (konnektor.sqlite) bozuk ya da bir veri tabanı dosyası değil; dosyaya dokunulmadı. Yedekten geri yükleyin ya da destek ekibine başvurun.',
  },
  LOCAL_STORE_UNAVAILABLE: { kind: 'internal', tr: 'Yerel veri deposu (konnektor.sqlite) açılamadı (dosya izni veya disk sorunu); dosyaya dokunulmadı.' },
  LOCAL_HOME_INVALID: {
    kind: 'input',
    tr: 'Konnektör’ün veri klasörü kullanılamıyor: verilen yol bir klasör değil ya da bu kullanıcı oraya yazamıyor (KONNEKTOR_HOME).',
  },
  DEMO_DIR_INVALID: { kind: 'input', tr: 'Örnek veri tabanları için klasör kullanılamıyor.' },
  DEMO_DIR_FOREIGN_FILES: {
    kind: 'input',
    tr: 'Klasörde Konnektör’ün örnek verilerine ait olmayan veri tabanı dosyaları var; --force yalnızca örnek verilerin kendi dosyalarını siler. Boş ya da yalnızca örnek verilerin bulunduğu bir klasör seçin.',
  },
  DEMO_UNAVAILABLE: { kind: 'internal', tr: 'Bu Konnektör kurulumunda örnek veri tabanları oluşturulamıyor.' },
  GIB_PACKAGE_MISSING: {
    kind: 'internal',
    tr: 'GİB şema ve kural paketi (UBL-TR XSD ve şematron) bulunamadı; “konnektor gib install” komutuyla kurun.',
  },
  GIB_PACKAGE_INVALID: { kind: 'input', tr: 'Verilen dosya GİB’in UBL-TR veya e-Fatura paketi değil (beklenen dosyalar içinde yok).' },
  GIB_PACKAGE_DOWNLOAD_FAILED: { kind: 'target', tr: 'GİB paketi indirilemedi; internet bağlantısını kontrol edin veya dosyayı --from ile verin.' },
  XML_NOT_WELL_FORMED: { kind: 'input', tr: 'Dosya geçerli bir XML belgesi değil.' },
  XML_DOCTYPE_FORBIDDEN: {
    kind: 'input',
    tr: 'Dosya DOCTYPE (varlık tanımı) içeriyor; e-belgelerde bulunmaz ve güvenlik nedeniyle işlenmez.',
  },
  VALIDATION_ENGINE_FAILED: { kind: 'internal', tr: 'Belge doğrulama çalıştırılamadı.' },
  FILE_NOT_FOUND: { kind: 'input', tr: 'Dosya bulunamadı.' },
  FILE_NOT_REGULAR: { kind: 'input', tr: 'Verilen yol bir dosya değil (klasör, aygıt veya boru); bir XML dosyası seçin.' },
  FILE_TOO_LARGE: { kind: 'input', tr: 'Dosya bir e-belge için çok büyük (en fazla 200 MB); doğru dosyayı seçtiğinizi kontrol edin.' },
  PDF_UNAVAILABLE: { kind: 'input', tr: 'Bu çalışma biçiminde PDF kaydedilemiyor; önizlemede “Yazdır”ı seçip yazıcı olarak “PDF olarak kaydet”i kullanın.' },
  INVOICE_VIEW_FAILED: {
    kind: 'input',
    tr: 'Faturanın görüntüleme şablonu (XSLT) çalıştırılamadı; Konnektör’ün varsayılan görünümüyle açabilirsiniz.',
  },
  INVOICE_VIEW_REFUSED: {
    kind: 'input',
    tr: 'Faturanın görüntüleme şablonu (XSLT) güvenlik nedeniyle reddedildi: yalnızca XSLT 1.0 ve faturanın kendi verisini okuyan işlevler kullanılabilir. Konnektör’ün varsayılan görünümüyle açabilirsiniz.',
  },
  SANDBOX_PORT_INVALID: { kind: 'input', tr: 'Port 0 ile 65535 arasında bir tam sayı olmalıdır (0: boş bir port).' },
  SANDBOX_PORT_IN_USE: { kind: 'input', tr: 'Bu port başka bir program tarafından kullanılıyor ya da açılamıyor; başka bir port seçin.' },
  SANDBOX_DATA_INVALID: { kind: 'input', tr: 'Deneme sunucusunun veri klasörü kullanılamıyor: oluşturulamıyor ya da yazılamıyor.' },
  SANDBOX_OPTION_INVALID: { kind: 'input', tr: 'Deneme sunucusu seçeneklerinden biri geçersiz (--step-ms, --generated-users 0 veya daha büyük bir sayı olmalıdır).' },
  INTEGRATOR_AUTH_FAILED: { kind: 'target', tr: 'Entegratör (eFinans) kullanıcı adı veya şifresi hatalı.' },
  INTEGRATOR_UNREACHABLE: { kind: 'target', tr: 'Entegratöre (eFinans) ulaşılamıyor.' },
  INTEGRATOR_URL_INSECURE: {
    kind: 'input',
    tr: 'Entegratör adresi https:// ile başlamalıdır; şifre şifrelenmeden gönderilemez (http yalnızca bu bilgisayardaki deneme sunucusu için).',
  },
  INTEGRATOR_TIMEOUT: { kind: 'target', tr: 'Entegratör (eFinans) zamanında yanıt vermedi.' },
  INTEGRATOR_HTTP_ERROR: { kind: 'target', tr: 'Entegratör (eFinans) bir sunucu hatası döndürdü.' },
  INTEGRATOR_BAD_RESPONSE: { kind: 'target', tr: 'Entegratörden (eFinans) anlaşılamayan bir yanıt geldi.' },
  INTEGRATOR_FAULT: { kind: 'target', tr: 'Entegratör (eFinans) isteği reddetti.' },
  INTEGRATOR_HASH_MISMATCH: { kind: 'target', tr: 'Belgenin özet değeri (hash) entegratörde tutmadı.' },
  INTEGRATOR_NO_CREDIT: {
    kind: 'target',
    tr: 'eFinans kontör bakiyeniz yetersiz; kontör yükledikten sonra tekrar gönderin. Belgeler sırada bekliyor, hiçbiri kaybolmadı.',
  },
  INTEGRATOR_DUPLICATE: { kind: 'target', tr: 'Bu belge entegratörde daha önce kayıtlı.' },
  SIGN_MODULE_LOAD_FAILED: { kind: 'input', tr: 'Mali mühür cihazının PKCS#11 sürücüsü yüklenemedi; sürücü dosyasının yolunu kontrol edin.' },
  SIGN_TOKEN_NOT_FOUND: { kind: 'input', tr: 'Seçilen yuvada mali mühür cihazı bulunamadı; cihazın takılı olduğunu kontrol edin.' },
  SIGN_PIN_REQUIRED: { kind: 'input', tr: 'Mali mühür PIN’ini girin.' },
  SIGN_PIN_WRONG: {
    kind: 'input',
    tr: 'Mali mühür PIN’i hatalı. Cihazın kilitlenmemesi için yeniden denenmedi; PIN’i kontrol edip tekrar deneyin.',
  },
  SIGN_PIN_LOCKED: { kind: 'input', tr: 'Mali mühür PIN’i kilitlenmiş; Kamu SM üzerinden PIN’i açtırın.' },
  SIGN_CERT_NOT_FOUND: { kind: 'input', tr: 'Seçilen sertifika veya anahtarı mali mühür cihazında bulunamadı.' },
  SIGN_CERT_EXPIRED: { kind: 'input', tr: 'Mali mühür sertifikasının süresi dolmuş veya henüz geçerli değil.' },
  SIGN_CERT_NOT_MALI_MUHUR: { kind: 'input', tr: 'Seçilen sertifika bir mali mühür imzalama sertifikası değil.' },
  SIGN_FAILED: { kind: 'target', tr: 'Defter mühürlenemedi.' },
  EDEFTER_SETTINGS_MISSING: { kind: 'input', tr: 'e-Defter Firma ve Sözleşme Ayarları eksik; önce ayarları kaydedin.' },
  EDEFTER_SETTINGS_INVALID: { kind: 'input', tr: 'e-Defter ayarlarında hatalı veya eksik bilgi var.' },
  EDEFTER_BRANCH_CHANGE_FORBIDDEN: {
    kind: 'input',
    tr: 'Hesap dönemi içinde şubeli yapıdan şubesiz yapıya (veya tersine) geçilemez; şubesine ait defter olan şube silinemez.',
  },
  EDEFTER_MONTH_INVALID: { kind: 'input', tr: 'Ay YYYY-AA biçiminde olmalıdır (ör. 2026-01).' },
  EDEFTER_MONTH_NOT_OVER: { kind: 'input', tr: 'Bu ay henüz bitmedi; defter gelecek günleri kapsayamaz.' },
  EDEFTER_PREVIOUS_MONTH_OPEN: { kind: 'input', tr: 'Önceki ayın defteri henüz GİB’den onaylanmadı; aylar atlanamaz.' },
  EDEFTER_CHECKS_FAILED: { kind: 'input', tr: 'Yevmiye kayıtları e-Defter kontrollerinden geçmedi; listelenen fişleri muhasebe programında düzeltin.' },
  EDEFTER_STATE_INVALID: { kind: 'input', tr: 'Bu işlem ayın şu anki durumunda yapılamaz.' },
  EDEFTER_SCHEMATRON_FAILED: { kind: 'input', tr: 'Oluşan defter GİB e-Defter şematron kurallarından geçmedi.' },
  EDEFTER_LAST_YEVMIYE_INVALID: {
    kind: 'input',
    tr: 'Yüklenen dosya imzalı bir GİB yevmiye defteri değil; önceki programdan alınan son imzalı yevmiye (Y) XML dosyasını seçin.',
  },
  EDEFTER_JOURNAL_NUMBER_UNAVAILABLE: {
    kind: 'input',
    tr: '{program} programı yevmiye kayıtlarında yevmiye madde numarası tutmuyor; bu yüzden e-Defter bu programın verilerinden hazırlanamaz. e-Fatura ve e-Arşiv modüllerini {program} ile kullanmaya devam edebilirsiniz.',
  },
  EDEFTER_CONNECTOR_NO_JOURNAL: { kind: 'input', tr: 'Seçilen muhasebe programından yevmiye kayıtları henüz okunamıyor.' },
  NUMBER_PREFIX_INVALID: { kind: 'input', tr: 'Belge seri öneki 3 büyük harf veya rakam olmalıdır (Türkçe karakter olmadan, ör. ABC).' },
  NUMBER_SERIES_EXHAUSTED: { kind: 'target', tr: 'Bu yılın belge numarası serisi doldu.' },
  REGISTRY_FILE_INVALID: { kind: 'input', tr: 'Kayıtlı kullanıcı listesi okunamadı.' },
  REGISTRY_ZIP_INVALID: { kind: 'target', tr: 'Kayıtlı kullanıcı listesi dosyası bozuk (geçerli bir zip değil veya içindeki dosya hasarlı); mevcut liste korunuyor.' },
  REGISTRY_ZIP_NO_XML: { kind: 'target', tr: 'Kayıtlı kullanıcı listesi zip dosyasında XML dosyası yok; mevcut liste korunuyor.' },
  REGISTRY_XML_FOREIGN: { kind: 'target', tr: 'Gelen dosya bir kayıtlı kullanıcı listesi değil (başka bir XML şeması); mevcut liste korunuyor.' },
  REGISTRY_SHRINK_REFUSED: {
    kind: 'target',
    tr: 'Yeni kayıtlı kullanıcı listesi mevcut listedeki mükelleflerin çok büyük bir kısmını silecekti (eksik indirilmiş olabilir); güncelleme yapılmadı, mevcut liste korunuyor.',
  },
  REGISTRY_NO_ACCOUNT: {
    kind: 'input',
    tr: 'Kayıtlı kullanıcı listesini yenilemek için önce e-Fatura modülüne entegratör kullanıcınızla giriş yapın; liste bu hesapla günde bir kez yenilenir.',
  },
  REGISTRY_SYNC_BUSY: { kind: 'target', tr: 'Kayıtlı kullanıcı listesi şu anda başka bir işlem tarafından güncelleniyor; bitince tekrar deneyin.' },
  INCOMING_NOT_FOUND: { kind: 'input', tr: 'Gelen belge bulunamadı.' },
  INCOMING_ANSWER_NOT_ALLOWED: { kind: 'input', tr: 'Bu belgeye yanıt verilemez (yalnızca TICARIFATURA senaryosundaki faturalar kabul/red ile yanıtlanır).' },
  INCOMING_ANSWER_REASON_REQUIRED: { kind: 'input', tr: 'Red yanıtı için gerekçe yazmalısınız.' },
  INCOMING_ANSWER_TOO_LATE: { kind: 'input', tr: 'Yanıt süresi doldu: fatura entegratöre ulaştıktan sonraki 8 gün, irsaliye 7 gün içinde yanıtlanabilir.' },
  INCOMING_ALREADY_ANSWERED: { kind: 'input', tr: 'Bu belge daha önce yanıtlandı; bir belgeye yalnızca bir yanıt verilebilir.' },
  INCOMING_COMPANY_UNKNOWN: { kind: 'input', tr: 'Oturumun şirketi (VKN) belli değil; gelen belgeler listelenemez. Bağlantı Ayarları’nı kontrol edip yeniden giriş yapın.' },
  INCOMING_NO_CONTENT: { kind: 'input', tr: 'Bu belgenin içeriği entegratörden gelmedi; XML’i yok. “Yeni Belgeleri Al” ile yeniden deneyin veya eFinans’a başvurun.' },
  RECEIPT_DESPATCH_UNREADABLE: { kind: 'input', tr: 'Yanıtlanacak irsaliye okunamadı (DespatchAdvice değil ya da ETTN, numara, taraflar veya satırları eksik); irsaliye yanıtı oluşturulamadı.' },
  RECEIPT_LINE_UNKNOWN: { kind: 'input', tr: 'Yanıtta irsaliyede olmayan bir satır numarası var; satır numaraları irsaliyedeki satırlarla aynı olmalıdır.' },
  RECEIPT_QUANTITY_INVALID: { kind: 'input', tr: 'Yanıttaki miktarlardan biri geçersiz: miktarlar sıfır veya pozitif bir sayı olmalıdır.' },
  RECEIPT_QUANTITY_MISMATCH: { kind: 'input', tr: 'Satırın miktarları tutmuyor: teslim alınan + eksik + reddedilen miktar, irsaliyedeki miktar ile fazla gelen miktarın toplamına eşit olmalıdır.' },
  RECEIPT_REJECT_REASON_REQUIRED: { kind: 'input', tr: 'Reddedilen miktarı olan her satır için red gerekçesi yazmalısınız.' },
  INCOMING_ANSWER_INVALID: { kind: 'internal', tr: 'Oluşan yanıt belgesi GİB şema veya kurallarından geçmedi; gönderilmedi.' },
  ALIAS_NOT_REGISTERED: { kind: 'input', tr: 'Seçilen posta kutusu (etiket) bu müşteri için kayıtlı değil.' },
  ALIAS_NOT_SELECTED: { kind: 'input', tr: 'Listeden bir posta kutusu seçin.' },
  ALIAS_CHOICE_NOT_NEEDED: { kind: 'input', tr: 'Bu belge posta kutusu seçimi beklemiyor; yalnızca alıcısının birden fazla posta kutusu olduğu için durdurulan belgede seçim yapılır.' },
  OUTPUT_DIR_INVALID: { kind: 'input', tr: 'Çıktı klasörü kullanılamıyor: oluşturulamıyor ya da yazılamıyor (ör. sistem klasörleri).' },
  OUTPUT_FILE_INVALID: { kind: 'input', tr: 'Çıktı dosyası yazılamıyor: verilen yol bir klasör ya da yazılamayan bir yer; bir dosya adı verin (ör. fatura.html).' },
  AUTH_REQUIRED: { kind: 'input', tr: 'Bu işlem için giriş yapmalısınız.' },
  AUTH_SESSION_EXPIRED: { kind: 'input', tr: 'Oturumunuzun süresi doldu; lütfen yeniden giriş yapın.' },
  AUTH_STAFF_REQUIRED: { kind: 'input', tr: 'Bu ekranı yalnızca eFinans personeli oturumu açabilir.' },
  AUTH_NOT_STAFF: {
    kind: 'input',
    tr: 'Bu kullanıcı eFinans personeli değil. “eFinans Personeli” kutusunu yalnızca personel kullanıcılarıyla işaretleyin.',
  },
  AUTH_USER_REQUIRED: { kind: 'input', tr: 'Entegratör kullanıcı adını girin.' },
  AUTH_PASSWORD_REQUIRED: { kind: 'input', tr: 'Entegratör şifresini girin.' },
  AUTH_SERVER_REQUIRED: { kind: 'input', tr: 'Muhasebe programının sunucu adresini girin.' },
  AUTH_CONNECTOR_REQUIRED: { kind: 'input', tr: 'Muhasebe programını seçin.' },
  AUTH_INTEGRATOR_REQUIRED: { kind: 'input', tr: 'Entegratör (eFinans) adresi ayarlarda tanımlı değil.' },
  SETTINGS_OTHER_COMPANY: {
    kind: 'input',
    tr: 'Seçilen firma veya veri tabanı başka bir şirkete (başka VKN) ait; bu şirketin ayarları değiştirilmedi. O şirket için kendi girişiyle oturum açın.',
  },
  OWN_ALIAS_NOT_LISTED: {
    kind: 'input',
    tr: 'Seçilen gönderici birimi etiketi (GB) şirketin kayıtlı kullanıcı listesindeki kendi etiketlerinden biri değil; listeden seçin ya da listeyi yenileyin.',
  },
  EARSIV_PLACE_INVALID: {
    kind: 'input',
    tr: 'e-Arşiv şube ve kasa kodları eFinans portalındaki tanımlarla aynı olmalıdır: en fazla 20 harf, rakam, - veya _ (ör. DFLT).',
  },
  SETTINGS_INTEGRATOR_STAFF_ONLY: { kind: 'input', tr: 'Entegratör adresini yalnızca eFinans personeli değiştirebilir.' },
  SETTINGS_ERP_PENDING: { kind: 'input', tr: 'Muhasebe programı bağlantısı henüz tamamlanmadı; Bağlantı Ayarları’ndan firma ve dönemi seçip GÜNCELLE’ye basın.' },
  VAULT_UNAVAILABLE: { kind: 'internal', tr: 'Şifre kasası açılamadı; şifreler kaydedilemiyor.' },
  SEND_JOB_NOT_FOUND: { kind: 'input', tr: 'Gönderim işi bulunamadı.' },
  OPERATION_IN_PROGRESS: {
    kind: 'target',
    tr: 'Bu işlem bu bilgisayarda zaten yürüyor (başka bir pencerede, komut satırında ya da uygulamada); bitmesini bekleyip yeniden deneyin.',
  },
  DOCUMENT_NOT_SELECTED: { kind: 'input', tr: 'Gönderilecek belgeleri seçin.' },
  DOCUMENT_NOT_RESENDABLE: { kind: 'input', tr: 'Bu belge yeniden gönderilemez.' },
  DOCUMENT_NOT_IN_OUTBOX: { kind: 'input', tr: 'Bu ETTN ile gönderilmiş bir belge bulunamadı.' },
  DOCUMENT_NOT_CANCELLABLE: { kind: 'input', tr: 'Bu belge Konnektör’den iptal edilemez: yalnız iletilmiş e-Arşiv faturaları ile e-MM ve e-SMM makbuzları iptal edilebilir.' },
  DOCUMENT_NOT_RENUMBERABLE: {
    kind: 'input',
    tr: 'Yeni numara ve ETTN yalnızca entegratörde işlenirken hata almış (durum 2) bir belgeye verilebilir.',
  },
  CANCEL_REASON_REQUIRED: { kind: 'input', tr: 'İptal nedenini yazın; neden belgenin geçmişine kaydedilir.' },
  CANCEL_REASON_TOO_LONG: { kind: 'input', tr: 'İptal nedeni en fazla 500 karakter olabilir.' },
  CANCEL_ALREADY_REPORTED: {
    kind: 'input',
    tr: 'Bu fatura GİB’e gönderilen e-Arşiv raporuna girmiş; artık Konnektör’den iptal edilemez. İptal için eFinans portalını veya GİB’in iptal/itiraz bildirimini kullanın.',
  },
  DOCUMENT_NOT_CANCELLED: { kind: 'input', tr: 'Bu belge iptal edilmemiş; geri alınacak bir iptal yok.' },
  DOCUMENT_NOT_REPORTED_KIND: { kind: 'input', tr: 'Bu belge türü entegratör tarafından GİB’e raporlanmıyor.' },
  CANCEL_WINDOW_PASSED: { kind: 'input', tr: 'İptal süresi geçti: makbuz ancak {until} tarihine kadar iptal edilebilirdi.' },
  BRIDGE_FORBIDDEN: { kind: 'input', tr: 'Bu adres Konnektör’e bağlanamaz.' },
  BRIDGE_METHOD_NOT_EXPOSED: { kind: 'input', tr: 'Bu işlem Konnektör ekranlarına açık değil.' },
  APP_START_FAILED: { kind: 'internal', tr: 'Konnektör başlatılamadı; ayrıntı günlük dosyasında.' },
  BRIDGE_UNREACHABLE: { kind: 'internal', tr: 'Konnektör’e ulaşılamıyor; uygulama kapanmış olabilir.' },
} as const satisfies Record<string, CatalogEntry>;

export type ErrorCode = keyof typeof ERROR_CATALOG;

export class KonnektorError extends Error {
  readonly code: ErrorCode;
  readonly kind: ErrorKind;
  /** The plain Turkish text the user sees. */
  readonly userMessage: string;
  /** Structured facts for logs and scripts (table names, column names, the offending value…). */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, detail: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    // Details travel to logs, the UI and scripts: no URL's password and no password Konnektör was given.
    super(redactText(detail), options);
    details = Object.fromEntries(Object.entries(details).map(([k, v]) => [k, typeof v === 'string' ? redactText(v) : v]));
    this.name = 'KonnektorError';
    this.code = code;
    this.kind = ERROR_CATALOG[code].kind;
    this.userMessage = userMessageFor(code, details);
    this.details = details;
  }

  toJSON(): { code: ErrorCode; message: string; detail: string; details: Readonly<Record<string, unknown>> } {
    return { code: this.code, message: this.userMessage, detail: this.message, details: this.details };
  }
}

/**
 * The catalogue text, completed with the one fact the user needs (which table, which column, which value). A text
 * may name facts in braces (`{module}`, `{program}`), filled from the details.
 */
function userMessageFor(code: ErrorCode, details: Record<string, unknown>): string {
  const base: string = (ERROR_CATALOG[code].tr as string).replace(/\{(\w+)\}/g, (m, name: string) => (typeof details[name] === 'string' ? (details[name] as string) : m));
  const facts: string[] = [];
  if (typeof details.value === 'string') facts.push(`Girilen: “${details.value}”`);
  if (typeof details.erpValue === 'string') facts.push(`Programdaki değer: “${details.erpValue}”`);
  if (typeof details.database === 'string' && code === 'ERP_DATABASE_NOT_FOUND') facts.push(details.database);
  if (Array.isArray(details.tables) && details.tables.length > 0) facts.push(`Eksik tablolar: ${details.tables.join(', ')}`);
  if (typeof details.table === 'string' && typeof details.column === 'string') {
    facts.push(`Eksik alan: ${details.table}.${details.column}`);
  }
  if (typeof details.company === 'string') facts.push(details.company);
  if (typeof details.holder === 'string') facts.push(`Süren işlem: ${details.holder}`);
  if (code === 'INCOMING_ANSWER_TOO_LATE' && typeof details.deadline === 'string') facts.push(`son gün: ${details.deadline.slice(0, 10)}`);
  if (code === 'REGISTRY_SHRINK_REFUSED' && typeof details.dropped === 'number' && typeof details.current === 'number') {
    facts.push(`silinecek ${details.dropped} / mevcut ${details.current} mükellef`);
  }
  return facts.length > 0 ? `${base} (${facts.join('; ')})` : base;
}

export function isKonnektorError(e: unknown): e is KonnektorError {
  return e instanceof KonnektorError;
}

/** Any thrown value in the catalogue's terms: a KonnektorError as itself, anything else as UNEXPECTED. */
export function errorSummary(e: unknown): { code: ErrorCode; message: string; detail: string } {
  if (isKonnektorError(e)) return { code: e.code, message: e.userMessage, detail: e.message };
  return { code: 'UNEXPECTED', message: ERROR_CATALOG.UNEXPECTED.tr, detail: e instanceof Error ? e.message : String(e) };
}
